// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'src/wire/gen/',
      'kernels/',
      '.out-*/',
      'node_modules/',
      'scratch/',
      'bin/',
      '.dependency-cruiser.cjs',
      'eslint.config.js',
    ],
  },
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
    // Examples a user copies are plain JavaScript outside the TypeScript project: linted untyped.
    files: ['examples/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // node:test's describe/test return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] },
      ],
    },
  },
  {
    // The dashboard's page script runs in the browser (dashboard/browser/tsconfig.json: DOM types,
    // no Node). Server text reaches the page as text nodes and attribute values (element.ts), never
    // as markup, and the Content-Security-Policy allows no inline script: so no HTML sinks, no eval.
    files: ['dashboard/browser/**/*.ts'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        Node: 'readonly',
        HTMLElement: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'off',
      '@typescript-eslint/no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'global', '__dirname', '__filename'],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'build elements with h() (element.ts): server text must stay text' },
        { property: 'outerHTML', message: 'build elements with h() (element.ts): server text must stay text' },
        { property: 'insertAdjacentHTML', message: 'build elements with h() (element.ts): server text must stay text' },
        { object: 'document', property: 'write', message: 'build elements with h() (element.ts): server text must stay text' },
        { object: 'document', property: 'writeln', message: 'build elements with h() (element.ts): server text must stay text' },
      ],
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
          selector:
            "CallExpression[callee.property.name='write'][callee.object.object.name='process'][callee.object.property.name=/^std(out|err)$/]",
          message: 'print through printOut, printErr or printJson (cli/output/terminal.ts), which escape control characters',
        },
      ],
    },
  },
);
