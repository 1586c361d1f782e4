/**
 * jest 30 + ts-jest in ESM mode. Tests import workspace packages by name; the mapper points those names at the
 * sources, so a test run needs no prior build and always sees the current code.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts', '**/examples/**/*.test.ts'],
  moduleNameMapper: {
    '^@mixtask/core$': '<rootDir>/packages/core/src/index.ts',
    '^@mixtask/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@mixtask/core/adapter$': '<rootDir>/packages/core/src/adapter.ts',
    '^@mixtask/core/internal$': '<rootDir>/packages/core/src/internal.ts',
    '^@mixtask/provider-tencent/signing$': '<rootDir>/packages/provider-tencent/src/signing.ts',
    '^@mixtask/provider-aliyun/signing$': '<rootDir>/packages/provider-aliyun/src/signing.ts',
    '^@mixtask/provider-aws-ivs/signing$': '<rootDir>/packages/provider-aws-ivs/src/signing.ts',
    '^@mixtask/provider-tencent$': '<rootDir>/packages/provider-tencent/src/index.ts',
    '^@mixtask/provider-aliyun$': '<rootDir>/packages/provider-aliyun/src/index.ts',
    '^@mixtask/provider-aws-ivs$': '<rootDir>/packages/provider-aws-ivs/src/index.ts',
    '^@mixtask/emulator$': '<rootDir>/packages/emulator/src/index.ts',
    '^@mixtask/redis$': '<rootDir>/packages/redis/src/index.ts',
    '^mixtask$': '<rootDir>/packages/mixtask/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testTimeout: 20000,
};
