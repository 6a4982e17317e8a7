// A plain HTML view of a record at the web URL the client builds ("Open in Zoho", F24):
// /web/{dc}/crm/{domain_name}/tab/{Tab}/{record_id}.
import type { FastifyInstance } from 'fastify';
import { MODULES } from '../catalog';
import type { Sim } from '../context';
import { params } from './common';
import { textOf } from '../text';

const TAB_TO_MODULE: Record<string, string> = { Potentials: 'Deals' };

function esc(v: unknown): string {
  return textOf(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function webRoutes(app: FastifyInstance, sim: Sim): void {
  app.get('/crm/:org/tab/:tab/:id', (req, reply) => {
    const p = params(req);
    const tab = p.tab ?? '';
    const module = TAB_TO_MODULE[tab] ?? MODULES.find((m) => m.module_name === tab || m.api_name === tab)?.api_name;
    const rec = module ? sim.store.find(module, p.id ?? '') : undefined;
    if (!rec) return reply.code(404).type('text/html').send('<!doctype html><title>Zoho CRM (sandbox)</title><p>Record not found.</p>');
    const rows = Object.entries(sim.store.render(rec))
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
      .join('');
    return reply
      .type('text/html')
      .send(`<!doctype html><meta charset="utf-8"><title>${esc(sim.store.displayName(rec))} · Zoho CRM (sandbox)</title><h1>${esc(sim.store.displayName(rec))}</h1><p>${esc(module)} · ${esc(rec.id)}</p><table>${rows}</table>`);
  });
}
