// The one contract between the Forge app and the connector API: every request and response shape of the
// routes the Forge app calls, as zod schemas (types derived with z.infer), and the constants the screens
// show. The API's routes validate with these schemas and publish them as OpenAPI; the Forge resolvers and
// the React screens import the same module. Browser-safe: zod only, nothing Node, Prisma, Fastify or vendor.
export * from './conflicts';
export * from './connection';
export * from './create-record';
export * from './errors';
export * from './channels';
export * from './ids';
export * from './jql-fields';
export * from './metadata';
export * from './panel';
export * from './related-records';
export * from './sci-definition';
export * from './scis';
export * from './sync-rules';
export * from './timeline';
export * from './value-mapping';
export * from './zoho';
export * from './routes';
