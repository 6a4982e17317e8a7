// The codec endpoint (Temporal's codec server protocol) for engineers: the Temporal Web UI and CLI send the
// payloads of a history here and show what comes back, so encrypted payloads (lib/temporal/payload-codec.ts)
// are readable there and nowhere else.
//   POST /codec/decode and POST /codec/encode, body and answer {"payloads": [{"metadata": {k: base64},
//   "data": base64}]} (proto3 JSON of Payload), header X-Namespace. The payload codecs are the API's own
//   Temporal client's, so the endpoint decodes exactly what this deployment encrypts.
// Who may call: a bearer token (TEMPORAL_CODEC_TOKEN), compared in constant time; without the setting every
// call is refused (401, naming the setting). Browsers call from the Temporal UI's origin (CORS: TEMPORAL_CODEC_ORIGINS, default the
// origin of TEMPORAL_UI_URL). `npm start` also lets in, without a token, the embedded dev server's UI on this
// machine (`localUiOrigins`, never read from the environment): that UI cannot attach a token.
import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../plugins/error-handler';
import type { AppDeps } from '../deps';

export const CODEC_PREFIX = '/codec';

/** One payload in proto3 JSON: every bytes field base64. */
const jsonPayloadSchema = z.object({
  metadata: z.record(z.string(), z.base64()).nullish(),
  data: z.base64().nullish(),
});
const payloadsBodySchema = z.object({ payloads: z.array(jsonPayloadSchema).max(10_000) });
type JsonPayload = z.infer<typeof jsonPayloadSchema>;

/** What the codec endpoint needs: the codecs, the token, the browser origins, the embedded UI. */
export interface CodecEndpointOptions {
  codecs: PayloadCodec[];
  token?: string | undefined;
  origins: string[];
  localUiOrigins: string[];
}

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function bearer(request: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

function refuse(reply: FastifyReply, message: string) {
  return reply.status(401).header('www-authenticate', 'Bearer realm="temporal-codec"').send({ statusCode: 401, error: 'Unauthorized', message });
}

const HOW_TO_CALL =
  'send it as `Authorization: Bearer <token>` (Temporal CLI: `--codec-endpoint <api>/codec --codec-auth "Bearer <token>"`; the Temporal UI: see README, "Reading payloads in the Temporal UI")';

/** The options of the codec endpoint from the app's dependencies. */
export function codecEndpointOptions(deps: AppDeps): CodecEndpointOptions {
  const uiOrigin = deps.config.TEMPORAL_UI_URL ? [new URL(deps.config.TEMPORAL_UI_URL).origin] : [];
  return {
    codecs: deps.payloadCodecs,
    token: deps.config.TEMPORAL_CODEC_TOKEN,
    origins: [...new Set([...(deps.config.TEMPORAL_CODEC_ORIGINS ?? uiOrigin), ...(deps.localTemporalUiOrigins ?? [])])],
    localUiOrigins: deps.localTemporalUiOrigins ?? [],
  };
}

/** Registered with prefix CODEC_PREFIX, in a scope of its own (its CORS and token check apply here only). */
export const codecRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  const o = codecEndpointOptions(deps);
  const namespace = deps.config.TEMPORAL_NAMESPACE;
  await fastify.register(fastifyCors, {
    origin: o.origins,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
    maxAge: 600,
  });

  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS') return; // CORS preflight: browsers send no credentials on it
    if (request.headers.origin && o.localUiOrigins.includes(request.headers.origin)) return;
    if (!o.token) {
      return refuse(reply, `The codec endpoint is off: set TEMPORAL_CODEC_TOKEN on the API (e.g. \`openssl rand -hex 32\`) and ${HOW_TO_CALL}.`);
    }
    const given = bearer(request);
    if (!given) return refuse(reply, `The codec endpoint needs the codec token: ${HOW_TO_CALL}.`);
    if (!timingSafeEqual(digest(given), digest(o.token))) {
      return refuse(reply, 'The codec token is not the one this API has (TEMPORAL_CODEC_TOKEN); check it and try again.');
    }
  });

  const run = async (request: FastifyRequest, reply: FastifyReply, body: z.infer<typeof payloadsBodySchema>, direction: 'encode' | 'decode') => {
    const asked = request.headers['x-namespace'];
    if (typeof asked === 'string' && asked !== '' && asked !== namespace) {
      return reply.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `This codec serves Temporal namespace "${namespace}" only; point the codec endpoint of namespace "${asked}" elsewhere.`,
      });
    }
    let payloads = body.payloads.map(fromJson);
    try {
      if (direction === 'decode') for (const codec of [...o.codecs].reverse()) payloads = await codec.decode(payloads);
      else for (const codec of o.codecs) payloads = await codec.encode(payloads);
    } catch (err) {
      // The codec's messages name key ids and settings, never payload content.
      return reply.status(422).send({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `Could not ${direction} these payloads: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    return reply.status(200).send({ payloads: payloads.map(toJson) });
  };

  const description = (what: string) =>
    `${what} Caller: an engineer's Temporal UI or CLI, with \`Authorization: Bearer <TEMPORAL_CODEC_TOKEN>\` (not a FIT).`;
  const schema = (summary: string, what: string) => ({
    summary,
    description: description(what),
    tags: ['temporal'],
    headers: z.object({ 'x-namespace': z.string().optional() }),
    body: payloadsBodySchema,
    response: { 200: payloadsBodySchema, 400: errorBody, 401: errorBody, 422: errorBody },
  });

  fastify.post(
    '/decode',
    { schema: schema('Decode Temporal payloads (codec server protocol)', 'Decrypts the payloads the Temporal UI or CLI shows.'), bodyLimit: 8 * 1024 * 1024 },
    (request, reply) => run(request, reply, request.body, 'decode'),
  );
  fastify.post(
    '/encode',
    { schema: schema('Encode Temporal payloads (codec server protocol)', 'Encrypts input typed in the Temporal UI or CLI (signal, start).'), bodyLimit: 8 * 1024 * 1024 },
    (request, reply) => run(request, reply, request.body, 'encode'),
  );
};
