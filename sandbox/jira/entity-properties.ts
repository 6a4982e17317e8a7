// Entity properties the installed app asks Jira to index (`jira:entityProperty` modules of the Forge
// manifest): each value names a property key, a JSON path in it, the index type and an optional JQL search
// alias. Jira's limit: 30 values for all of an app's modules together; more fails the deploy.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const indexTypes = ['number', 'string', 'text', 'user', 'date'] as const;
export type IndexType = (typeof indexTypes)[number];

export interface IndexedPropertyValue {
  entityType: 'issue' | 'user' | 'project';
  propertyKey: string;
  path: string;
  type: IndexType;
  searchAlias?: string;
}

export const INDEXED_VALUE_LIMIT = 30;

/** The product's own manifest, which the sandbox site has "installed". */
export const APP_MANIFEST_PATH = join(fileURLToPath(new URL('.', import.meta.url)), '../../forge-app/manifest.yml');

interface ManifestModule {
  key?: string;
  entityType?: string;
  propertyKey?: string;
  values?: { path?: string; type?: string; searchAlias?: string }[];
}

/** The indexed values a manifest declares, checked as a deploy checks them. */
export function indexedValuesOf(manifest: unknown): IndexedPropertyValue[] {
  const modules = ((manifest as { modules?: Record<string, unknown> } | null)?.modules?.['jira:entityProperty'] ??
    []) as ManifestModule[];
  const out: IndexedPropertyValue[] = [];
  for (const m of modules) {
    const entityType = (m.entityType ?? 'issue').toLowerCase();
    if (entityType !== 'issue' && entityType !== 'user' && entityType !== 'project')
      throw new Error(`jira:entityProperty ${m.key}: unknown entityType ${m.entityType}`);
    if (!m.propertyKey) throw new Error(`jira:entityProperty ${m.key}: propertyKey is required`);
    for (const v of m.values ?? []) {
      const type = (v.type ?? '').toLowerCase() as IndexType;
      if (!v.path || !indexTypes.includes(type))
        throw new Error(`jira:entityProperty ${m.key}: each value needs a path and a type (${indexTypes.join(', ')})`);
      out.push({
        entityType,
        propertyKey: m.propertyKey,
        path: v.path,
        type,
        ...(v.searchAlias ? { searchAlias: v.searchAlias } : {}),
      });
    }
  }
  if (out.length > INDEXED_VALUE_LIMIT)
    throw new Error(
      `The app declares ${out.length} indexed entity property values; Jira allows ${INDEXED_VALUE_LIMIT}.`,
    );
  return out;
}

export async function loadIndexedValues(manifestPath: string = APP_MANIFEST_PATH): Promise<IndexedPropertyValue[]> {
  return indexedValuesOf(parseYaml(await readFile(manifestPath, 'utf8')));
}
