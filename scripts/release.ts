// The identity of the release being built: package.json version, git commit, and the Worker Deployment build
// id derived from them (RELEASE_BUILD_ID overrides, e.g. a CI pipeline's own build number).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ReleaseIdentity {
  version: string;
  gitSha: string | null;
  buildId: string;
}

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export async function releaseIdentity(env: NodeJS.ProcessEnv = process.env): Promise<ReleaseIdentity> {
  const version = await packageVersion();
  const sha = gitSha();
  const buildId = env.RELEASE_BUILD_ID ?? (sha ? `${version}-${sha.slice(0, 12)}` : version);
  return { version, gitSha: sha, buildId };
}
