// Lint rules from STYLE.md: no floating promises anywhere, no Node built-ins in workflow code.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.forgeline/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Workflow code must be deterministic: Temporal's sandbox forbids Node built-ins there. The
    // pure files that the workflow bundle imports from core live in core/workflow-safe/ for that reason.
    files: ['workflows/**/*.ts', 'core/workflow-safe/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Node built-ins are not allowed in workflow code; do it in an activity.',
          })),
          patterns: [{ group: ['**/activities/*', '!**/activities/index.js'], message: 'Workflows import activity types only, through activities/index.js.' }],
        },
      ],
    },
  },
);
