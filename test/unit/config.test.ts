import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, loadConfig } from '../../activities/config';
import { singleLine } from '../../domain/text';

describe('configuration', () => {
  it('uses the built-in secret only with NODE_ENV=development', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).jwtSecret).toBe(DEV_JWT_SECRET);
    expect(loadConfig({ NODE_ENV: 'development' }).development).toBe(true);
    for (const NODE_ENV of ['production', 'test', 'staging', undefined]) {
      expect(() => loadConfig({ NODE_ENV }), String(NODE_ENV)).toThrow(/JWT_SECRET is required/);
    }
  });

  it('refuses a secret shorter than 32 bytes, and takes a long one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(/at least 32 bytes/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
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
