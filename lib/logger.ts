// One pino setup for every process. Redaction is by key name, wherever the key sits, so a token that
// ends up in a logged object is censored even when nobody thought to list its exact path.
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Keys whose values never reach a log line. */
export const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'x-forge-oauth-system',
  'x-forge-oauth-user',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'code',
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'channel_token',
  'channelToken',
  'token_ciphertext',
];

export const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`, `req.headers["${k.toLowerCase()}"]`]);

export function loggerOptions(level: string, name?: string): LoggerOptions {
  return {
    level,
    ...(name ? { name } : {}),
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
}

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name?: string): Logger {
  return pino(loggerOptions(level, name));
}

export type { Logger };
