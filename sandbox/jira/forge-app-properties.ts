// Forge app properties: `/rest/forge/1/app/properties[/{propertyKey}]`, the installed app's own entity
// properties (read by Jira expressions and display conditions). As Atlassian documents them (OpenAPI
// `getForgeAppPropertyKeys`, `getForgeAppProperty`, `putForgeAppProperty`, `deleteForgeAppProperty`):
// only the app itself may call them (asApp: here the system token), anyone else gets 403; keys are at most
// 127 characters, values non-empty JSON of at most 32 768 characters; PUT answers 201 when it creates and 200
// when it replaces, with an OperationMessage `{message, statusCode}`, which is also the body of their 400 and 404.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext } from './context';
import { installRestGuard, type Req } from './rest';
import { APP_USER } from './seed';
import { JiraApiError } from './store';

const MAX_KEY = 127;
const MAX_VALUE_CHARS = 32_768;

const message = (reply: FastifyReply, statusCode: number, text: string) => reply.code(statusCode).send({ message: text, statusCode });

export function forgeAppPropertyRoutes(ctx: SimContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    const { store } = ctx;
    installRestGuard(app, ctx);
    const base = (req: Req) => ctx.url + (req.params.cloudId ? `/ex/jira/${req.params.cloudId}` : '');

    // asApp only: a person's Basic credentials (or an impersonated call) are refused.
    app.addHook('preHandler', async (req) => {
      if (req.actorId !== APP_USER.accountId) {
        throw new JiraApiError(403, ['Only Forge apps can make this request: call it with asApp().']);
      }
    });

    app.get('/app/properties', async (req: Req) => ({
      keys: [...store.appProperties.keys()].map((key) => ({ key, self: `${base(req)}/rest/forge/1/app/properties/${encodeURIComponent(key)}` })),
    }));

    app.get('/app/properties/:propertyKey', async (req: Req, reply) => {
      const key = req.params.propertyKey!;
      if (key.length > MAX_KEY) return message(reply, 400, `The property key can't be longer than ${MAX_KEY} characters.`);
      if (!store.appProperties.has(key)) return message(reply, 404, `Property with key '${key}' not found.`);
      return { key, value: store.appProperties.get(key) };
    });

    app.put('/app/properties/:propertyKey', async (req: Req, reply) => {
      const key = req.params.propertyKey!;
      if (key.length > MAX_KEY) return message(reply, 400, `The property key can't be longer than ${MAX_KEY} characters.`);
      if (req.body === undefined) return message(reply, 400, 'The property value must be a valid, non-empty JSON.');
      if (JSON.stringify(req.body).length > MAX_VALUE_CHARS) return message(reply, 400, `The property value can't be longer than ${MAX_VALUE_CHARS} characters.`);
      const existed = store.appProperties.has(key);
      store.appProperties.set(key, structuredClone(req.body));
      return existed ? message(reply, 200, 'Property updated.') : message(reply, 201, 'Property created.');
    });

    app.delete('/app/properties/:propertyKey', async (req: Req, reply) => {
      const key = req.params.propertyKey!;
      if (key.length > MAX_KEY) return message(reply, 400, `The property key can't be longer than ${MAX_KEY} characters.`);
      if (!store.appProperties.delete(key)) return message(reply, 404, `Property with key '${key}' not found.`);
      return reply.code(204).send();
    });
  };
}
