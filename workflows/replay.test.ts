// Replay: recorded histories of the SCI workflow must replay against today's workflow code without
// nondeterminism errors. A change that alters the commands an existing execution emits fails here — version
// it with `patched()` instead. Fixtures are recorded by workflows/sci-workflow.test.ts with RECORD_HISTORIES=1.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../worker/create-worker';

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'histories');

describe('SCI workflow replay', () => {
  it('replays every recorded history without nondeterminism', async () => {
    const files = (await readdir(fixturesDir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const bundle = await workflowBundle();
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(path.join(fixturesDir, file), 'utf8')));
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file), file).resolves.toBeUndefined();
    }
  });
});
