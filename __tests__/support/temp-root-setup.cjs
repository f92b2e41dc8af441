// Jest globalSetup: every test's temporary folders go under one root made for the
// run, which temp-root-teardown.cjs removes when the run ends. Tests make folders with
// os.tmpdir(), which reads TMPDIR on each call, and the workers (and the bundled
// action run as a child) inherit it; a test that forgot to clean up would otherwise
// leave its exported records behind (a virtual export is megabytes, and over many
// runs the machine's disk filled).
'use strict'
const { mkdtempSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')

module.exports = async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'entra-tests-'))
  process.env.ENTRA_TESTS_TEMP_ROOT = root
  process.env.TMPDIR = root
}
