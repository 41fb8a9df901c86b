// Lint rules from STYLE.md: no floating promises anywhere, no Node built-ins in workflow code, and
// layers that point one way (core/ imports nothing above it).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/**
 * core/ is the bottom layer: cli/, workers/, workflows/, activities/ and pipelines/ build on it, so
 * it imports none of them (docs/developing.md draws the layers). Matched on the import's text, which
 * from inside core/ can only reach those folders by climbing out of it with `../`.
 */
export const ABOVE_CORE = ['workers', 'activities', 'cli', 'pipelines', 'workflows'];
const upward = `^(\\.\\./)+(${ABOVE_CORE.join('|')})/`;
const layerMessage = 'core/ imports nothing from the layers above it (cli, workers, workflows, activities, pipelines): pass the value in, or move the code down into core/.';
const coreLayer = { regex: upward, message: layerMessage };
// no-restricted-imports does not look at import(): the same pattern as a syntax selector, where
// esquery's regex literal cannot hold a '/', so it is written \x2F.
const coreLayerDynamic = { selector: `ImportExpression[source.value=/${upward.replaceAll('/', '\\x2F')}/]`, message: layerMessage };

const workflowBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
  name,
  message: 'Node built-ins are not allowed in workflow code; do it in an activity.',
}));

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
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [coreLayer] }],
      'no-restricted-syntax': ['error', coreLayerDynamic],
    },
  },
  {
    // Workflow code must be deterministic: Temporal's sandbox forbids Node built-ins there. The
    // pure files that the workflow bundle imports from core live in core/workflow-safe/ for that reason.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowBuiltins,
          patterns: [{ group: ['**/activities/*', '!**/activities/index.js'], message: 'Workflows import activity types only, through activities/index.js.' }],
        },
      ],
    },
  },
  {
    // A later block's rule options replace an earlier one's, so core/workflow-safe/ states both of its rules here.
    files: ['core/workflow-safe/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: workflowBuiltins, patterns: [coreLayer] }] },
  },
);
