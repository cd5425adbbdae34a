import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, loadConfig } from '../../platform/config';
import { createSealer, sealingKey } from '../../platform/sealing';
import { singleLine } from '../../domain/text';

const KEY = 'ab'.repeat(32);

describe('configuration', () => {
  it('uses the built-in secret only with NODE_ENV=development', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).jwtSecret).toBe(DEV_JWT_SECRET);
    expect(loadConfig({ NODE_ENV: 'development' }).development).toBe(true);
    for (const NODE_ENV of ['production', 'test', 'staging', undefined]) {
      expect(() => loadConfig({ NODE_ENV, SEALING_KEY: KEY }), String(NODE_ENV)).toThrow(/JWT_SECRET is required/);
    }
  });

  it('refuses a secret shorter than 32 bytes, and takes a long one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SEALING_KEY: KEY, JWT_SECRET: 'x'.repeat(31) })).toThrow(/at least 32 bytes/);
    const config = loadConfig({ NODE_ENV: 'production', SEALING_KEY: KEY, JWT_SECRET: 'x'.repeat(32), CERTIFICATE_SIGNING_KEYS: `k1:${'A'.repeat(43)}` });
    expect(config.jwtSecret).toBe('x'.repeat(32));
    expect(config.development).toBe(false);
  });

  it('listens on the loopback interface unless HOST says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('bounds a token lifetime by TOKEN_MAX_LIFETIME (12 hours by default)', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).tokenMaxLifetimeSeconds).toBe(12 * 3600);
    expect(loadConfig({ NODE_ENV: 'development', TOKEN_MAX_LIFETIME: 'PT1H' }).tokenMaxLifetimeSeconds).toBe(3600);
  });
});

describe('sealing key', () => {
  it('is read at start from SEALING_KEY, or COMPLAINT_KEY as before', () => {
    expect(loadConfig({ NODE_ENV: 'development', SEALING_KEY: KEY }).sealingKey).toEqual(Buffer.from(KEY, 'hex'));
    expect(sealingKey({ COMPLAINT_KEY: KEY })).toEqual(Buffer.from(KEY, 'hex'));
    expect(sealingKey({ SEALING_KEY: KEY, COMPLAINT_KEY: '00'.repeat(32) })).toEqual(Buffer.from(KEY, 'hex'));
  });

  it('must be 32 bytes, and given in production', () => {
    expect(() => sealingKey({ SEALING_KEY: 'ab'.repeat(31) })).toThrow(/64 hex characters/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toThrow(/SEALING_KEY is required/);
    expect(sealingKey({ NODE_ENV: 'test' })).toHaveLength(32);
  });

  it('seals under its own key only', () => {
    const sealed = createSealer(Buffer.from(KEY, 'hex')).seal({ name: '王军' });
    expect(createSealer(Buffer.from(KEY, 'hex')).unseal(sealed)).toEqual({ name: '王军' });
    expect(() => createSealer(sealingKey({ NODE_ENV: 'test' })).unseal(sealed)).toThrow();
  });
});

describe('single-line text', () => {
  const name = singleLine(1, 100);
  it('takes ordinary names, Chinese included', () => {
    expect(name.parse('  王军 ')).toBe('王军');
    expect(name.parse("O'Brien-Smith & Co.")).toBe("O'Brien-Smith & Co.");
  });
  it.each([
    ['CR/LF', 'Zhou\r\nBcc: x@example.com'],
    ['a line feed', 'Zhou\nPing'],
    ['NUL', 'Zhou\u0000Ping'],
    ['a tab', 'Zhou\tPing'],
    ['a right-to-left override', 'invoice\u202Etxt.exe'],
    ['a bidi isolate', 'a\u2066b'],
    ['a line separator', 'a\u2028b'],
  ])('refuses %s', (_what, text) => {
    expect(name.safeParse(text).success).toBe(false);
  });
});
