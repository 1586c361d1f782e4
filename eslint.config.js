import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A library reports through onEvent, never the console (the CLI and bench are the exceptions).
      'no-console': 'error',
    },
  },
  {
    files: [
      'packages/mixtask/src/cli/**',
      'packages/mixtask/src/cli.ts',
      'bench/**',
      'examples/**',
      'scripts/**',
      '**/test/**',
      'packages/test-kit/**',
    ],
    rules: { 'no-console': 'off' },
  },
);
