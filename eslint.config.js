// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'src/wire/gen/', '.out-*/', 'node_modules/', 'scratch/', 'bin/', '.dependency-cruiser.cjs', 'eslint.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // node:test's describe/test return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] }],
    },
  },
  {
    // The dashboard's page script runs in the browser, as plain JavaScript outside the TypeScript project.
    files: ['dashboard/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', Node: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URLSearchParams: 'readonly' },
    },
  },
  {
    // The library has no process side effects: output goes through the logger or return values.
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // What the CLI prints holds text from sweep files, workers and trial errors: it goes through
    // cli/output/terminal.ts, which shows control characters instead of letting a terminal act on them.
    files: ['cli/**/*.ts'],
    ignores: ['cli/output/terminal.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='write'][callee.object.object.name='process'][callee.object.property.name=/^std(out|err)$/]",
          message: 'print through printOut, printErr or printJson (cli/output/terminal.ts), which escape control characters',
        },
      ],
    },
  },
);
