// Replay (R10): every history recorded by every release (workflows/__fixtures__/histories/<release>/) must
// replay against today's workflow code without nondeterminism. A change that alters the commands an existing
// execution emits fails here: guard it with `patched()` (docs/architecture.md, Deploys and versioning).
// Fixtures are never rewritten: each release's manifest lists its files with their SHA-256, and a listed
// fixture that is missing, changed, or dropped from a manifest committed earlier fails. `npm run
// fixtures:record` adds the fixtures of a new release (scripts/fixtures/record-histories.ts).
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir, historyFiles, loadHistoryFixtures, manifestSchema, readManifest, releases } from '../test/support/history-fixtures';
import { workflowBundle } from '../worker/create-worker';
import { WORKFLOW_TYPES } from './names';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('recorded workflow histories', () => {
  it('replay, every fixture of every release, without nondeterminism', async () => {
    const fixtures = await loadHistoryFixtures();
    expect(fixtures.length).toBeGreaterThan(0);
    const bundle = await workflowBundle();
    for (const f of fixtures) {
      await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: f.dataConverter }, f.history, f.workflowId), `${f.release}/${f.file}`).resolves.toBeUndefined();
    }
  });

  it('cover every workflow type the worker serves', async () => {
    const types = new Set((await loadHistoryFixtures()).map((f) => f.workflowType));
    for (const type of Object.values(WORKFLOW_TYPES)) expect(types, `no recorded history of ${type}: run npm run fixtures:record`).toContain(type);
  });

  it('are exactly what each manifest lists, byte for byte', async () => {
    const loose = (await readdir(historiesDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    expect(loose, 'histories live in a release folder: record them with npm run fixtures:record').toEqual([]);
    for (const release of await releases()) {
      const manifest = await readManifest(release);
      expect(manifest, `${release}/manifest.json is missing`).toBeDefined();
      expect(manifest!.release).toBe(release);
      const listed = manifest!.fixtures.map((e) => e.file).sort();
      expect(await historyFiles(release), `${release}: every history file is listed in its manifest, and every listed one exists`).toEqual(listed);
      for (const f of (await loadHistoryFixtures()).filter((x) => x.release === release)) {
        expect(f.actualSha256, `${release}/${f.file} changed after it was recorded: fixtures are never rewritten; record a new one instead`).toBe(f.sha256);
        expect(f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(f.workflowType);
      }
    }
  });

  it('keep every manifest entry ever committed (manifests only grow)', async () => {
    for (const release of await releases()) {
      const rel = path.relative(root, path.join(historiesDir, release, 'manifest.json')).split(path.sep).join('/');
      const current = new Map((await readManifest(release))!.fixtures.map((e) => [e.file, e.sha256]));
      for (const commit of git(['log', '--format=%H', '--', rel]).split('\n').filter(Boolean)) {
        let text: string;
        try {
          text = git(['show', `${commit}:${rel}`]);
        } catch {
          continue; // the commit that deleted the file; the folder check above fails on that already
        }
        for (const entry of manifestSchema.parse(JSON.parse(text)).fixtures) {
          expect(current.get(entry.file), `${release}/${entry.file} (as committed in ${commit.slice(0, 12)}) was removed or its hash changed`).toBe(entry.sha256);
        }
      }
    }
  });
});
