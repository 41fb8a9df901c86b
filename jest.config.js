/**
 * Tests run from the compiled output (`npm test` builds first), so jest needs no transform and
 * exercises exactly the JavaScript that users run.
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/tests'],
  testMatch: ['**/*.test.js'],
  globalSetup: '<rootDir>/dist/tests/support/global-setup.js',
  globalTeardown: '<rootDir>/dist/tests/support/global-teardown.js',
  testTimeout: 180_000,
  maxWorkers: 2,
  transform: {},
};
