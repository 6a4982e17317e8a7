// Bundles the two Custom UI screens with esbuild into static/<screen>/build (the directories manifest.yml
// names as resources). The local host calls the same function with `@forge/bridge` aliased to its
// stand-in, so the page a person tries locally is the page Jira would serve, byte for byte but the bridge.
//
//   npm run forge:build          # production bundles for `forge deploy`
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * One React for the whole bundle. Some Atlaskit dependencies still declare react-dom ^18 as a peer, so npm
 * nests a react-dom 18 under them; bundled beside React 19 it crashes at start (it reaches for React 18
 * internals). Every import of react / react-dom resolves to the application's own copy instead.
 */
const ONE_REACT = {
  react: dirname(require.resolve('react/package.json')),
  'react-dom': dirname(require.resolve('react-dom/package.json')),
};

export const SCREENS = {
  'admin-page': { entry: 'static/ui/admin/main.tsx', title: 'Zoho CRM Connector' },
  'issue-panel': { entry: 'static/ui/panel/main.tsx', title: 'Zoho CRM' },
} as const;
export type ScreenName = keyof typeof SCREENS;

export interface BuildOptions {
  /** Folder that receives `<screen>/build/`; default forge-app/static. */
  outRoot?: string;
  /** A module to use in place of @forge/bridge (the local host's stand-in). */
  bridgeModule?: string;
  minify?: boolean;
}

/** The issue panel's icon, declared in manifest.yml as `resource:issue-panel;zoho-crm.svg`. */
const PANEL_ICON = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#E42527"/><path d="M6 8h8l-8 8h8" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/><circle cx="18" cy="12" r="2" fill="#fff"/></svg>\n`;

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="stylesheet" href="./main.css" />
  </head>
  <body>
    <div id="root"></div>
    <script src="./main.js"></script>
  </body>
</html>
`;
}

/** Builds both screens; resolves with the build directory of each. */
export async function buildCustomUi(opts: BuildOptions = {}): Promise<Record<ScreenName, string>> {
  const outRoot = resolve(opts.outRoot ?? join(here, 'static'));
  const out = {} as Record<ScreenName, string>;
  for (const [name, screen] of Object.entries(SCREENS) as [ScreenName, (typeof SCREENS)[ScreenName]][]) {
    const dir = join(outRoot, name, 'build');
    await mkdir(dir, { recursive: true });
    await build({
      entryPoints: [join(here, screen.entry)],
      bundle: true,
      outfile: join(dir, 'main.js'),
      format: 'iife',
      platform: 'browser',
      target: ['es2022'],
      jsx: 'automatic',
      minify: opts.minify ?? true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
      define: { 'process.env.NODE_ENV': JSON.stringify(opts.minify === false ? 'development' : 'production') },
      alias: { ...ONE_REACT, ...(opts.bridgeModule ? { '@forge/bridge': opts.bridgeModule } : {}) },
    });
    await writeFile(join(dir, 'index.html'), page(screen.title));
    if (name === 'issue-panel') await writeFile(join(dir, 'zoho-crm.svg'), PANEL_ICON);
    out[name] = dir;
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCustomUi()
    .then((dirs) => console.log(`Custom UI built:\n  ${Object.values(dirs).join('\n  ')}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
