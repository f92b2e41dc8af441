/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // Source imports use the NodeNext `.js` suffix; map them back to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // No test may reach anything but loopback (the simulated tenant).
  setupFiles: ['<rootDir>/__tests__/support/block-network.cjs'],
  // Every temporary folder a test makes lives under one root, removed after the run.
  globalSetup: '<rootDir>/__tests__/support/temp-root-setup.cjs',
  globalTeardown: '<rootDir>/__tests__/support/temp-root-teardown.cjs',
  testTimeout: 60000
}
