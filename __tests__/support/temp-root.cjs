// Jest globalSetup and globalTeardown: every test's temporary folders go under one
// root made for the run, removed when the run ends. Tests make folders with
// os.tmpdir(), which reads TMPDIR on each call, and the workers (and the bundled
// action run as a child) inherit it; a test that forgot to clean up would otherwise
// leave its exported records behind (a virtual export is megabytes, and over many
// runs the machine's disk filled).
'use strict'
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

const KEY = 'ENTRA_TESTS_TEMP_ROOT'

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'entra-tests-'))
  process.env[KEY] = root
  process.env.TMPDIR = root
}

async function teardown() {
  const root = process.env[KEY]
  // Only the folder setup made (its name is checked), never a TMPDIR from outside.
  if (root && /[\\/]entra-tests-[^\\/]+$/.test(root)) rmSync(root, { recursive: true, force: true })
}

module.exports = { setup, teardown }
