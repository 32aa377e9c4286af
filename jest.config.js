// The clock of the time-dependent rules (SS014 old-data-key) in every test and spawned command: a fixed
// 2026-12-01T00:00:00Z, so that results never change with the date the suite runs on.
process.env.SOURCE_DATE_EPOCH = "1796083200";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  globalSetup: "<rootDir>/test-support/jest-global-setup.js",
  globalTeardown: "<rootDir>/test-support/jest-global-teardown.js",
};
