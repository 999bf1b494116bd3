/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tsconfig.json sets isolatedModules, so ts-jest only transpiles; test.sh type-checks with tsc.
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  // Removes the temporary cloud assemblies that the tests synthesize.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
