// One flat config for the whole repository. The `workflows/` block is what keeps workflow code
// deterministic: Temporal replays it, so it must never do I/O of its own.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      '.tools/**',
      'prisma/generated/**',
      'bench/results/**',
      '**/dist/**',
      'test-results/**',
      'forge-app/static/**/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'lib/temporal/failure-converter.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Fastify plugins and handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code is replayed: no Node built-ins. Do I/O in an activity.',
          })),
          patterns: [
            {
              group: ['@prisma/*', 'prisma', '**/prisma/**', 'pg', '@electric-sql/*'],
              message: 'Workflow code is replayed: no database access. Use an activity.',
            },
            {
              group: ['undici', 'node-fetch', 'axios', 'got', 'ky', 'fastify', '@forge/*'],
              message: 'Workflow code is replayed: no HTTP clients. Use an activity.',
            },
            {
              group: ['**/clients/**', '**/clients', '**/activities/**', '**/activities', '!**/activities/types'],
              message: 'Workflows import activities as types only (import type) and never vendor clients.',
              allowTypeImports: true,
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Only @temporalio/workflow (and @temporalio/common) belong in workflow code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Workflow code is replayed: no network calls. Use an activity.' },
        { name: 'XMLHttpRequest', message: 'Workflow code is replayed: no network calls.' },
        { name: 'WebSocket', message: 'Workflow code is replayed: no network calls.' },
        { name: 'process', message: 'Workflow code must not read the process environment; pass it as input.' },
        { name: 'setInterval', message: 'Use condition()/sleep() from @temporalio/workflow.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'fetch', message: 'Workflow code is replayed: no network calls.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
