// Recorded workflow histories, one folder per release, never rewritten (R10):
//   workflows/__fixtures__/histories/<release>/manifest.json          what the release recorded, with SHA-256
//   workflows/__fixtures__/histories/<release>/<workflowType>/<name>.json   a history as `fetchHistory` gave it
// `npm run fixtures:record` adds a release's fixtures (scripts/fixtures/record-histories.ts); the replay test
// (workflows/replay.test.ts) replays all of them and holds every manifest to its committed entries.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { z } from 'zod';
import { temporalDataConverter } from '../../lib/temporal/data-converter';
import { AesGcmPayloadCodec, generatePayloadKey } from '../../lib/temporal/payload-codec';
import { gitSha, packageVersion } from '../../scripts/release';

export const historiesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'workflows', '__fixtures__', 'histories');

export const manifestEntrySchema = z.object({
  /** Path inside the release folder, `<workflowType>/<name>.json`. */
  file: z.string().regex(/^[A-Za-z]+\/[a-z0-9-]+\.json$/),
  workflowType: z.string().min(1),
  workflowId: z.string().min(1),
  /** SHA-256 of the file's bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** What the history exercises. */
  scenario: z.string().min(1),
  /** Commit checked out when it was recorded (null outside a git checkout). */
  recordedAt: z.string().nullable(),
});
export const manifestSchema = z.object({
  release: z.string().min(1),
  /**
   * The payload key (base64) the release's fixtures were encrypted with by the product's data converter. A key
   * for fixtures only: it protects simulator data, never a tenant's. Absent: the release recorded plaintext.
   */
  payloadKey: z.string().min(1).optional(),
  fixtures: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestPath = (release: string) => path.join(historiesDir, release, 'manifest.json');

export function sha256(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function releases(): Promise<string[]> {
  const entries = await readdir(historiesDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export async function readManifest(release: string): Promise<Manifest | undefined> {
  try {
    return manifestSchema.parse(JSON.parse(await readFile(manifestPath(release), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeManifest(manifest: Manifest): Promise<void> {
  const sorted = { ...manifest, fixtures: [...manifest.fixtures].sort((a, b) => a.file.localeCompare(b.file)) };
  await writeFile(manifestPath(manifest.release), `${JSON.stringify(manifestSchema.parse(sorted), null, 2)}\n`);
}

/** Every history file in a release folder, as `<workflowType>/<name>.json`. */
export async function historyFiles(release: string): Promise<string[]> {
  const dir = path.join(historiesDir, release);
  const out: string[] = [];
  for (const type of await readdir(dir, { withFileTypes: true })) {
    if (!type.isDirectory()) continue;
    for (const f of await readdir(path.join(dir, type.name))) if (f.endsWith('.json')) out.push(`${type.name}/${f}`);
  }
  return out.sort();
}

export interface HistoryFixture extends ManifestEntry {
  release: string;
  /** The product's data converter with the release's fixture key, to replay with. */
  dataConverter: DataConverter;
  history: ReturnType<typeof historyFromJSON>;
  /** SHA-256 of the file as it is now. */
  actualSha256: string;
}

/** Every fixture every manifest lists, parsed (a listed file that is missing throws). */
export async function loadHistoryFixtures(): Promise<HistoryFixture[]> {
  const out: HistoryFixture[] = [];
  for (const release of await releases()) {
    const manifest = await readManifest(release);
    if (!manifest) continue;
    const dataConverter = temporalDataConverter(new AesGcmPayloadCodec(manifest.payloadKey ?? generatePayloadKey()));
    for (const entry of manifest.fixtures) {
      const bytes = await readFile(path.join(historiesDir, release, entry.file));
      out.push({ ...entry, release, dataConverter, history: historyFromJSON(JSON.parse(bytes.toString('utf8'))), actualSha256: sha256(bytes) });
    }
  }
  return out;
}

export interface NewFixture {
  workflowType: string;
  /** File name without `.json`: lower-case words joined by `-`. */
  name: string;
  workflowId: string;
  scenario: string;
  history: Parameters<typeof historyToJSON>[0];
}

/**
 * Adds a history to the current release's fixtures (package.json version) and to its manifest. A fixture
 * that exists already is left as it is: fixtures are never rewritten ('exists' is returned). The history's
 * payloads are encrypted with TEST_PAYLOAD_KEY, which the manifest keeps as the release's fixture key.
 */
export async function addFixture(f: NewFixture): Promise<{ release: string; file: string; result: 'added' | 'exists' }> {
  const release = await packageVersion();
  const file = `${f.workflowType}/${f.name}.json`;
  const manifest = (await readManifest(release)) ?? { release, fixtures: [] };
  if (manifest.fixtures.some((e) => e.file === file)) return { release, file, result: 'exists' };
  const key = process.env.TEST_PAYLOAD_KEY;
  if (!key) throw new Error('Record fixtures with `npm run fixtures:record`: it sets the release\'s fixture payload key (TEST_PAYLOAD_KEY).');
  if (manifest.payloadKey !== undefined && manifest.payloadKey !== key) {
    throw new Error(`Release ${release} records its fixtures with the payload key in its manifest; run \`npm run fixtures:record\`, which uses it.`);
  }
  manifest.payloadKey = key;
  const json = historyToJSON(f.history);
  await mkdir(path.join(historiesDir, release, f.workflowType), { recursive: true });
  await writeFile(path.join(historiesDir, release, file), json, { flag: 'wx' });
  manifest.fixtures.push({ file, workflowType: f.workflowType, workflowId: f.workflowId, sha256: sha256(json), scenario: f.scenario, recordedAt: gitSha() });
  await writeManifest(manifest);
  return { release, file, result: 'added' };
}

/** The fixture payload key of a release: the one its manifest has, else a new one (it is stored with the first fixture). */
export function fixturePayloadKey(release: string): string {
  try {
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath(release), 'utf8')));
    if (manifest.payloadKey) return manifest.payloadKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return generatePayloadKey();
}
