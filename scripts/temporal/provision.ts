// Finds or builds the Temporal CLI, in the order the README promises:
//   TEMPORAL_CLI_PATH → `temporal` on PATH → .tools/bin/temporal → `go install` into .tools/bin →
//   (caller's choice) the SDK's own download, which needs Temporal's CDN and so works only online.
import { execFile, spawn } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEMPORAL_CLI_VERSION } from './version';

const execFileAsync = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const toolsBin = path.join(repoRoot, '.tools', 'bin');

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, name)))) return path.join(dir, name);
  }
  return undefined;
}

/** The CLI's version line, e.g. "temporal version 1.5.1 (Server 1.29.1, UI 2.41.0)". */
export async function cliVersion(cli: string): Promise<string> {
  const { stdout } = await execFileAsync(cli, ['--version']);
  return stdout.trim();
}

export async function findTemporalCli(): Promise<string | undefined> {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
  }
  return (await onPath('temporal')) ?? ((await isExecutable(path.join(toolsBin, 'temporal'))) ? path.join(toolsBin, 'temporal') : undefined);
}

/** Builds the pinned CLI with `go install` when Go is present; minutes on a cold cache, seconds on a warm one. */
export async function buildTemporalCli(log: (line: string) => void = console.log): Promise<string | undefined> {
  const go = await onPath('go') ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  await mkdir(toolsBin, { recursive: true });
  log(`Building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go} into .tools/bin (first build takes several minutes)…`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: toolsBin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}`))));
  });
  return path.join(toolsBin, 'temporal');
}

export type TemporalCli = { kind: 'path'; path: string } | { kind: 'sdk-download' };

/** Finds the CLI, building it if need be; falls back to the SDK download (online machines only). */
export async function provisionTemporalCli(log: (line: string) => void = console.log): Promise<TemporalCli> {
  const found = (await findTemporalCli()) ?? (await buildTemporalCli(log));
  if (found) return { kind: 'path', path: found };
  log('No Temporal CLI and no Go toolchain: the SDK will download the dev server (needs internet).');
  return { kind: 'sdk-download' };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cli = await provisionTemporalCli();
  if (cli.kind === 'path') console.log(`${cli.path}: ${await cliVersion(cli.path)}`);
  else console.log('Temporal CLI: SDK download at first start');
}
