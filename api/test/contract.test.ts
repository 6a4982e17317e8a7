// The Forge app and the API share one contract (contracts/): this fails when a route the Forge app calls
// serves a request or response schema that differs from the contract's. The served OpenAPI document of the
// whole app is compared, operation by operation, with the document the same swagger set-up makes from the
// contract's schemas alone (contracts/routes.ts), so both sides go through the very same zod → JSON Schema
// transform. It also checks that the constants with one home in contracts/ are the ones their old modules
// still export.
import fastifySwagger from '@fastify/swagger';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zohoClient from '../../clients/zoho';
import { API_ROUTES, type ApiRoute } from '../../contracts';
import * as contractDefinition from '../../contracts/sci-definition';
import * as contractZoho from '../../contracts/zoho';
import * as libDefinition from '../../lib/sci/definition';
import { API_PREFIX } from '../app';
import { createTestApp, type TestApp } from './helper';

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}

const openApiPath = (path: string) => `${API_PREFIX}${path}`.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/** What the contract promises for one operation, in the form the OpenAPI document carries it. */
function promised(op: Operation | undefined, status: number) {
  return {
    query: (op?.parameters ?? []).filter((p) => p.in === 'query').sort((a, b) => a.name.localeCompare(b.name)),
    body: op?.requestBody?.content?.['application/json']?.schema ?? null,
    response: status === 204 ? null : (op?.responses?.[String(status)]?.content?.['application/json']?.schema ?? null),
    status: op?.responses ? String(status) in op.responses : false,
  };
}

/** The OpenAPI document of an app that has nothing but the contract's schemas, built as api/app.ts builds its own. */
async function contractDocument(): Promise<OpenApiDoc> {
  const fastify = Fastify();
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  await fastify.register(fastifySwagger, { openapi: { openapi: '3.1.0', info: { title: 'contract', version: '0' } }, transform: jsonSchemaTransform });
  const api = fastify.withTypeProvider<ZodTypeProvider>();
  for (const r of Object.values(API_ROUTES) as ApiRoute[]) {
    api.route({
      method: r.method,
      url: `${API_PREFIX}${r.path}`,
      schema: {
        ...(r.body ? { body: r.body } : {}),
        ...(r.querystring ? { querystring: r.querystring } : {}),
        response: { [r.status]: r.status === 204 ? z.null() : r.response },
      },
      handler: async () => null,
    });
  }
  await fastify.ready();
  const doc = fastify.swagger() as unknown as OpenApiDoc;
  await fastify.close();
  return doc;
}

describe('contracts/ and the served API', () => {
  let t: TestApp;
  let served: OpenApiDoc;
  let contract: OpenApiDoc;

  beforeAll(async () => {
    t = await createTestApp();
    served = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<OpenApiDoc>();
    contract = await contractDocument();
  }, 240_000);
  afterAll(() => t?.close());

  it.each(Object.entries(API_ROUTES))('%s serves the contract’s request and response schemas', (_name, route: ApiRoute) => {
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    const op = served.paths[path]?.[method];
    expect(op, `${route.method} ${path} is not served`).toBeDefined();
    const mine = promised(contract.paths[path]?.[method], route.status);
    expect(mine.status).toBe(true);
    expect(promised(op, route.status)).toEqual(mine);
  });

  it('finds a difference when there is one (the comparison is not vacuous)', () => {
    const op = served.paths[openApiPath('/scis')]?.post;
    const schema = promised(op, 201).body as { properties?: { options?: { properties?: Record<string, unknown> } } };
    expect(Object.keys(schema.properties?.options?.properties ?? {})).toContain('attachmentMaxBytes');
    const drifted = structuredClone(schema);
    delete drifted.properties?.options?.properties?.attachmentMaxBytes;
    expect(drifted).not.toEqual(promised(contract.paths[openApiPath('/scis')]?.post, 201).body);
  });
});

describe('constants with one home in contracts/', () => {
  it('are the values the older modules export', () => {
    // lib/sci/definition.ts re-exports the contract's schemas: the same objects, not copies.
    expect(libDefinition.sciDefinitionSchema).toBe(contractDefinition.sciDefinitionSchema);
    expect(libDefinition.ZOHO_ATTACHMENT_LIMIT_BYTES).toBe(contractDefinition.ZOHO_ATTACHMENT_LIMIT_BYTES);
    // clients/zoho still holds its own copies (to become re-exports of contracts/zoho.ts); until then they must agree.
    expect(zohoClient.ZOHO_DC_IDS).toEqual(contractZoho.ZOHO_DC_IDS);
    expect(zohoClient.ZOHO_DC_LABELS).toEqual(contractZoho.ZOHO_DC_LABELS);
    expect(zohoClient.ZOHO_APP_SCOPES).toEqual(contractZoho.ZOHO_APP_SCOPES);
    expect(zohoClient.ZOHO_USER_SCOPES).toEqual(contractZoho.ZOHO_USER_SCOPES);
    expect(zohoClient.ZOHO_ATTACHMENT_SYNC_SCOPES).toEqual(contractZoho.ZOHO_ATTACHMENT_SYNC_SCOPES);
  });
});
