// The determinism guard: ESLint's `workflows/` block must reject I/O in workflow code. The rules are taken
// from the real eslint.config.js, applied to snippets as if they lived in workflows/.
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import config from '../eslint.config';

const workflowBlock = (config as Linter.Config[]).find(
  (c) => Array.isArray(c.files) && c.files.includes('workflows/**/*.ts'),
);

async function lintAsWorkflow(code: string) {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: workflowBlock!.rules! },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: 'workflows/example.ts' });
  return result!.messages.map((m) => m.message);
}

describe('workflow lint rules', () => {
  it('exist in eslint.config.js', () => {
    expect(workflowBlock?.rules).toBeDefined();
  });

  it('flag a Node built-in', async () => {
    expect(await lintAsWorkflow(`import { readFile } from 'node:fs';\nexport const r = readFile;`)).toEqual([
      expect.stringContaining('no Node built-ins'),
    ]);
    expect((await lintAsWorkflow(`import fs from 'fs';\nexport const r = fs;`)).join()).toContain('no Node built-ins');
  });

  it('flag Prisma and database drivers', async () => {
    expect((await lintAsWorkflow(`import { PrismaClient } from '@prisma/client';\nexport const p = PrismaClient;`)).join()).toContain('no database access');
    expect((await lintAsWorkflow(`import { x } from '../prisma/database';\nexport const p = x;`)).join()).toContain('no database access');
  });

  it('flag vendor clients and runtime imports of activities', async () => {
    expect((await lintAsWorkflow(`import { createZohoClient } from '../clients/zoho';\nexport const c = createZohoClient;`)).join()).toContain('never vendor clients');
    expect((await lintAsWorkflow(`import { createActivities } from '../activities';\nexport const c = createActivities;`)).join()).toContain('types only');
  });

  it('flag fetch', async () => {
    expect((await lintAsWorkflow(`export async function wf() { await fetch('https://example.com'); }`)).join()).toContain('no network calls');
    expect((await lintAsWorkflow(`export async function wf() { await globalThis.fetch('https://example.com'); }`)).join()).toContain('no network calls');
  });

  it('accept type-only imports of activities and @temporalio/workflow', async () => {
    expect(
      await lintAsWorkflow(
        `import type { SciActivities } from '../activities';\nimport { proxyActivities } from '@temporalio/workflow';\nexport const a = proxyActivities<SciActivities>({ startToCloseTimeout: '1m' });`,
      ),
    ).toEqual([]);
  });
});
