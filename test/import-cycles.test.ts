// No import circle anywhere in the project's own code, type-only imports included: a circle means two
// modules share a rule that belongs in a third, and at runtime it can hand one of them a half-initialised
// module. The graph is dpdm's, over the same files the TypeScript project compiles.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['api', 'activities', 'bench', 'clients', 'forge-app', 'lib', 'prisma/tools', 'sandbox', 'scripts', 'test', 'worker', 'workflows'];

describe('imports', () => {
  it('form no circle', async () => {
    const tree = await parseDependencyTree(
      SOURCES.flatMap((dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`]),
      {
        context: root,
        tsconfig: path.join(root, 'tsconfig.json'),
        // Keep type-only imports: a circle of types is still two modules that should be three.
        transform: false,
        skipDynamicImports: false,
        exclude: /node_modules|prisma\/generated|\.test\.tsx?$/,
      },
    );
    const circles = parseCircular(tree, false).map((c) => c.join(' → '));
    expect(Object.keys(tree).length).toBeGreaterThan(200);
    expect(circles).toEqual([]);
  }, 120_000);
});
