import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.TEMPORAL_UI_PORT).toBe(8233);
    expect(c.SCI_POLL_INTERVAL).toBe(300_000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.SANDBOX).toBe(true);
  });

  it('parses durations and booleans', () => {
    const c = parseConfig({ SCI_POLL_INTERVAL: '30s', SANDBOX: 'false', TEMPORAL_TLS: '1' });
    expect(c.SCI_POLL_INTERVAL).toBe(30_000);
    expect(c.SANDBOX).toBe(false);
    expect(c.TEMPORAL_TLS).toBe(true);
  });

  it('names every malformed setting without echoing its value', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'not a url with secret-password', SCI_POLL_INTERVAL: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('SCI_POLL_INTERVAL');
    expect(message).not.toContain('secret-password');
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
