// Finds or builds the Temporal CLI, in the order the README promises:
//   TEMPORAL_CLI_PATH → `temporal` on PATH → .tools/bin/temporal → `go install` into .tools/bin →
//   (caller's choice) the SDK's own download, which needs Temporal's CDN and so works only online.
// For `npm run cluster` it also finds or builds the full Temporal server, its SQL schema tool and the Web UI
// server the same way (`go install` into .tools/bin, under names of their own: all three are `cmd/server`-
// style packages whose default binary names would collide).
import { execFile, spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TEMPORAL_CLI_VERSION, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from './version';

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

async function findGo(): Promise<string | undefined> {
  return (await onPath('go')) ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
}

/**
 * `go install module/pkg@version` with GOBIN set, inheriting stdio; rejects on a non-zero exit. `gentle`
 * runs it under `nice -n 10` with `-p=1` (one package compiled at a time), for machines shared with others.
 */
async function goInstall(go: string, target: string, gobin: string, gentle = false): Promise<void> {
  const [command, args]: [string, string[]] = gentle ? ['nice', ['-n', '10', go, 'install', target]] : [go, ['install', target]];
  const goflags = gentle ? `${process.env.GOFLAGS ?? ''} -p=1`.trim() : process.env.GOFLAGS;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', ...(goflags ? { GOFLAGS: goflags } : {}) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${target} exited with ${code}`))));
  });
}

/** Builds the pinned CLI with `go install` when Go is present; minutes on a cold cache, seconds on a warm one. */
export async function buildTemporalCli(log: (line: string) => void = console.log): Promise<string | undefined> {
  const go = await findGo();
  if (!go) return undefined;
  await mkdir(toolsBin, { recursive: true });
  log(`Building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go} into .tools/bin (first build takes several minutes)…`);
  await goInstall(go, `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`, toolsBin);
  return path.join(toolsBin, 'temporal');
}

/** The binaries of a self-hosted Temporal cluster (`npm run cluster`), by the name each gets in .tools/bin. */
export const CLUSTER_TOOLS = {
  'temporal-server': { target: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, version: TEMPORAL_SERVER_VERSION },
  'temporal-sql-tool': { target: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`, version: TEMPORAL_SERVER_VERSION },
  'temporal-ui-server': { target: `github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_SERVER_VERSION}`, version: TEMPORAL_UI_SERVER_VERSION },
} as const;
export type ClusterTool = keyof typeof CLUSTER_TOOLS;
export type ClusterTools = Record<ClusterTool, string>;

/** The binary's own `--version` line names the pinned version (urfave/cli prints "NAME version X"). */
async function hasVersion(file: string, version: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(file, ['--version']);
    return stdout.includes(version);
  } catch {
    return false;
  }
}

/**
 * Finds each cluster binary in .tools/bin at its pinned version, building the missing ones with `go install`
 * (into a scratch GOBIN, then renamed: the three packages all build a binary called `server` or `sql`).
 * `gentle` builds at low priority, one package at a time (see goInstall).
 */
export async function provisionClusterTools(
  log: (line: string) => void = console.log,
  opts: { gentle?: boolean } = {},
): Promise<ClusterTools> {
  const found: Partial<ClusterTools> = {};
  const missing: ClusterTool[] = [];
  for (const name of Object.keys(CLUSTER_TOOLS) as ClusterTool[]) {
    const file = path.join(toolsBin, name);
    if ((await isExecutable(file)) && (await hasVersion(file, CLUSTER_TOOLS[name].version))) found[name] = file;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const go = await findGo();
    if (!go) {
      throw new Error(
        `Missing ${missing.join(', ')} and no Go toolchain to build them. Install Go (https://go.dev/dl/) and run ` +
          '`npm run temporal:provision -- --cluster`, or put the binaries of Temporal server ' +
          `v${TEMPORAL_SERVER_VERSION} and UI server v${TEMPORAL_UI_SERVER_VERSION} in .tools/bin under those names.`,
      );
    }
    await mkdir(toolsBin, { recursive: true });
    for (const name of missing) {
      const { target } = CLUSTER_TOOLS[name];
      log(`Building ${name} (${target}) into .tools/bin; the first build of the server takes many minutes…`);
      const scratch = await mkdtemp(path.join(repoRoot, '.tools', 'build-'));
      try {
        const started = Date.now();
        await goInstall(go, target, scratch, opts.gentle);
        const built = path.join(scratch, path.basename(target.split('@')[0]!));
        await rename(built, path.join(toolsBin, name));
        log(`Built ${name} in ${Math.round((Date.now() - started) / 1000)} s.`);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      found[name] = path.join(toolsBin, name);
    }
  }
  return found as ClusterTools;
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
  if (process.argv.includes('--cluster')) {
    const tools = await provisionClusterTools(console.log, { gentle: process.argv.includes('--gentle') });
    for (const [name, file] of Object.entries(tools)) console.log(`${name}: ${file}`);
  }
}
