import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Loading and schema compilation for a set of OpenAPI 3.0 documents that $ref each other.
//
// Each document is registered with Ajv under its own URI, so `#/components/...` refs resolve inside their
// own file and absolute refs (Zoho points at raw.githubusercontent.com/.../v8.0/<file>.json) resolve to
// the sibling file. Validators are compiled lazily per schema location and cached, so the 2.4 MB Jira
// document is parsed once and only the operations a test touches are ever compiled.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Request schemas ignore `required` on readOnly properties, response schemas on writeOnly ones (OAS 3.0). */
export type Direction = 'request' | 'response';

export interface SpecOptions {
  /** Label used in messages. */
  name?: string;
  /** URI prefix the documents are published under; a document's id is prefix + file name. */
  baseUri?: string;
  /**
   * Treat `oneOf` as `anyOf`. Zoho's alternatives (e.g. a record list vs API_Exception) declare almost no
   * required properties, so real bodies match several alternatives and strict `oneOf` would always fail.
   */
  oneOfAsAnyOf?: boolean;
  /** Files (by name) that only carry shared components; their `paths` are placeholders, not routes. */
  componentsOnly?: string[];
  /**
   * Accounts endpoints outside the OpenAPI documents and the securitySchemes flows, checked against their
   * public descriptions (Zoho: token revocation and user info).
   */
  accountsEndpoints?: { revoke?: string; userInfo?: string };
  /** Zoho serves error envelopes with 4xx/204/304 statuses that its documents only list under 200. */
  zohoErrorStatusTolerance?: boolean;
}

export interface SchemaLocation {
  docId: string;
  /** JSON pointer inside the document, e.g. `/components/schemas/Record`. */
  pointer: string;
}

export interface LoadedDocument {
  id: string;
  file: string;
  raw: JsonObject;
}

export interface OpenApiSpec {
  name: string;
  documents: Map<string, LoadedDocument>;
  options: SpecOptions;
  /** `$ref`s pointing outside the loaded files (e.g. Zoho's tags.json), replaced by an accept-anything schema. */
  unresolvedRefs: string[];
  validator(direction: Direction, location: SchemaLocation): ValidateFunction;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function getAtPointer(root: Json, pointer: string): Json | undefined {
  if (pointer === '' || pointer === '/') return root;
  let current: Json | undefined = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = unescapePointerToken(raw);
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(token)] : current[token];
    if (current === undefined) return undefined;
  }
  return current;
}

function splitRef(ref: string, baseDocId: string): { docId: string; pointer: string } {
  const url = new URL(ref, baseDocId);
  const pointer = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  return { docId: url.href, pointer };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows `$ref`s (OpenAPI component objects or schemas) until a concrete object is reached. */
export function deref(
  spec: OpenApiSpec,
  location: SchemaLocation,
): { value: JsonObject; location: SchemaLocation } | undefined {
  let loc = location;
  for (let hops = 0; hops < 20; hops++) {
    const doc = spec.documents.get(loc.docId);
    if (!doc) return undefined;
    const value = getAtPointer(doc.raw, loc.pointer);
    if (!isObject(value)) return undefined;
    const ref = value.$ref;
    if (typeof ref !== 'string') return { value, location: loc };
    loc = splitRef(ref, loc.docId);
  }
  return undefined;
}

function isJsonExampleKey(key: string, parentKey: string | undefined): boolean {
  return (key === 'example' || key === 'examples') && parentKey !== 'properties';
}

/**
 * With `oneOf` read as `anyOf`, an alternative whose properties are all optional would accept any object
 * (Zoho's API_Exception accepts a record list). An object alternative therefore only counts when the value
 * carries at least one property it declares.
 */
function guardAlternative(spec: OpenApiSpec, docId: string, alternative: Json): Json {
  if (!isObject(alternative)) return alternative;
  let target: { docId: string; value: JsonObject } = { docId, value: alternative };
  for (let hops = 0; hops < 20 && typeof target.value.$ref === 'string'; hops++) {
    const next = splitRef(target.value.$ref, target.docId);
    const value = getAtPointer(spec.documents.get(next.docId)?.raw ?? null, next.pointer);
    if (!isObject(value)) return alternative;
    target = { docId: next.docId, value };
  }
  const properties = target.value.properties;
  if (!isObject(properties) || Object.keys(properties).length === 0) return alternative;
  return { allOf: [alternative, { anyOf: Object.keys(properties).map((name) => ({ required: [name] })) }] };
}

/** Rewrites one document for Ajv: OAS 3.0 semantics Ajv lacks, and refs to files we don't have. */
function prepare(spec: OpenApiSpec, doc: LoadedDocument, direction: Direction): JsonObject {
  const clone = structuredClone(doc.raw);
  const dropFromRequired = direction === 'request' ? 'readOnly' : 'writeOnly';
  const visit = (node: Json, parentKey: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, undefined);
      return;
    }
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const target = splitRef(ref, doc.id);
      const targetDoc = spec.documents.get(target.docId);
      if (!targetDoc || getAtPointer(targetDoc.raw, target.pointer) === undefined) {
        delete node.$ref;
        const entry = `${doc.file}: ${ref}`;
        if (!spec.unresolvedRefs.includes(entry)) spec.unresolvedRefs.push(entry);
      }
    }
    if (spec.options.oneOfAsAnyOf && Array.isArray(node.oneOf) && parentKey !== 'properties') {
      node.anyOf = node.oneOf.map((alternative) => guardAlternative(spec, doc.id, alternative));
      delete node.oneOf;
    }
    // OAS 3.0.3 clarifies that `nullable: true` admits null even when `enum` omits it.
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    // Ajv requires `type` next to `nullable`; the OAS meaning without a type is "anything or null" anyway.
    if (node.nullable === true && node.type === undefined) delete node.nullable;
    // Atlassian closes a few pure oneOf/anyOf wrappers with `additionalProperties: false` and no properties of
    // their own, which in JSON Schema rejects every property; the alternatives carry the real constraints.
    const combined = Array.isArray(node.oneOf) || Array.isArray(node.anyOf) || Array.isArray(node.allOf);
    if (node.additionalProperties === false && combined && node.properties === undefined)
      delete node.additionalProperties;
    const properties = node.properties;
    if (Array.isArray(node.required) && isObject(properties)) {
      node.required = node.required.filter((name) => {
        const prop = typeof name === 'string' ? properties[name] : undefined;
        return !(isObject(prop) && prop[dropFromRequired] === true);
      });
    }
    for (const [key, value] of Object.entries(node)) {
      if (isJsonExampleKey(key, parentKey)) continue;
      visit(value, key);
    }
  };
  visit(clone, undefined);
  return clone;
}

const int32 = (n: number): boolean => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;

export function createAjv(): Ajv {
  // strict: false because OpenAPI documents carry non-JSON-Schema keywords (example, xml, x-*, discriminator).
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: int32 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addFormat('binary', () => true);
  ajv.addFormat('password', () => true);
  // Jira writes `format: url` for absolute URLs.
  ajv.addFormat('url', (s: string) => URL.canParse(s));
  return ajv;
}

export function loadDocuments(files: string[], options: SpecOptions = {}): OpenApiSpec {
  const documents = new Map<string, LoadedDocument>();
  for (const file of files) {
    const abs = resolve(file);
    const id = options.baseUri ? new URL(basename(abs), options.baseUri).href : pathToFileURL(abs).href;
    const raw = JSON.parse(readFileSync(abs, 'utf8')) as Json;
    if (!isObject(raw)) throw new Error(`${file} is not an OpenAPI document`);
    documents.set(id, { id, file: basename(abs), raw });
  }
  const ajvs = new Map<Direction, Ajv>();
  const cache = new Map<string, ValidateFunction>();
  const spec: OpenApiSpec = {
    name: options.name ?? files.map((f) => basename(f)).join('+'),
    documents,
    options,
    unresolvedRefs: [],
    validator(direction, location) {
      let ajv = ajvs.get(direction);
      if (!ajv) {
        ajv = createAjv();
        for (const doc of documents.values()) ajv.addSchema(prepare(spec, doc, direction), doc.id);
        ajvs.set(direction, ajv);
      }
      const key = `${direction} ${location.docId}#${location.pointer}`;
      let validate = cache.get(key);
      if (!validate) {
        // Pointer tokens are already ~-escaped; Ajv percent-decodes the fragment before reading it.
        const fragment = location.pointer.split('/').map(encodeURIComponent).join('/');
        validate = ajv.compile({ $ref: `${location.docId}#${fragment}` });
        cache.set(key, validate);
      }
      return validate;
    },
  };
  return spec;
}
