// `npm run build`: the production build in dist/.
//   dist/api.js, dist/worker.js, dist/db.js, dist/deployment.js   one ESM file per entry point (esbuild)
//   dist/workflow-bundle.js                                       the workflow code, bundled by Temporal's bundler
//   dist/build-info.json                                          release version, git sha, workflow bundle SHA-256
//
// Why esbuild and not tsc: the sources import without file extensions and import folders (`../clients/zoho`),
// which Node's ESM loader refuses, so tsc's one-file-per-module output does not run under plain `node`.
// esbuild bundles our own code (including the generated Prisma client in prisma/generated) into each entry and
// leaves every npm package external: node_modules is installed beside dist/ as in development, so the
// `@temporalio/worker` that bundled the workflows is the one that runs them.
//
// Bundling moves code into dist/, which would change what `import.meta.url` means in modules that find files
// relative to themselves (prisma/tools/migrate.ts finds the project root, the schema engine finds its wasm,
// the data converter names its failure converter). The plugin below rewrites `import.meta.url` in each bundled
// module to that module's source location, computed relative to the output file at run time, so such paths
// resolve exactly as under tsx. Entry points keep their own `import.meta.url`: compiled, it names the output
// file, so worker/main.ts finds the workflow bundle and build-info.json beside itself.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { workflowBundle } from '../worker/create-worker';
import { releaseIdentity } from './release';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(root, 'dist');

/** Entry points: output name → source. */
export const ENTRY_POINTS = {
  api: 'api/main.ts',
  worker: 'worker/main.ts',
  db: 'prisma/tools/cli.ts',
  deployment: 'scripts/temporal/deployment-cli.ts',
} as const;

function sourceLocationPlugin(outDir: string): Plugin {
  const entries = new Set(Object.values(ENTRY_POINTS).map((src) => path.join(root, src)));
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (entries.has(args.path) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromOut = path.relative(outDir, args.path).split(path.sep).join('/');
        const contents = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`);
        return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}

export interface BuildResult {
  outputs: string[];
  workflowBundlePath: string;
  workflowBundleSha256: string;
}

export async function runBuild(outDir = distDir): Promise<BuildResult> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, src]) => [name, path.join(root, src)])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [sourceLocationPlugin(outDir)],
  });

  // The same bundler options as the workers of development and tests (worker/create-worker.ts).
  const { code } = await workflowBundle();
  const workflowBundlePath = path.join(outDir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, code);
  const workflowBundleSha256 = createHash('sha256').update(code).digest('hex');

  const release = await releaseIdentity();
  await writeFile(
    path.join(outDir, 'build-info.json'),
    `${JSON.stringify({ ...release, workflowBundleSha256, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  return { outputs: Object.keys(ENTRY_POINTS).map((n) => path.join(outDir, `${n}.js`)), workflowBundlePath, workflowBundleSha256 };
}


if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await runBuild();
  console.log(`Built ${result.outputs.map((o) => path.relative(root, o)).join(', ')} and ${path.relative(root, result.workflowBundlePath)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
