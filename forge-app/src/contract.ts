// Superseded: the request and response shapes live in contracts/ and the resolver keys in ./routes.ts.
// This re-export stays only for test/faults/r7-authorization.test.ts (owned elsewhere); delete it once that
// test imports RESOLVER_KEYS from forge-app/src/routes.
export { RESOLVER_KEYS } from './routes';
