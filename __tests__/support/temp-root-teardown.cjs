// Jest globalTeardown: removes the run's temporary root (see temp-root-setup.cjs).
'use strict'
const { rmSync } = require('node:fs')

module.exports = async function teardown() {
  const root = process.env.ENTRA_TESTS_TEMP_ROOT
  // Only the folder setup made (its name is checked), never a TMPDIR from outside.
  if (root && /[\\/]entra-tests-[^\\/]+$/.test(root)) rmSync(root, { recursive: true, force: true })
}
