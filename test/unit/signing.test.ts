import { randomBytes } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigner, parseSigningKeys, signingKeys, type CertificateStatement } from '../../platform/signing';
import { loadConfig } from '../../platform/config';

const seed = () => randomBytes(32).toString('base64url');
const STATEMENT: CertificateStatement = { n: '4420264000000015', h: '张三明', o: '6-31-01-03', l: 4, d: '2026-11-29', i: '440000', s: 100123 };

/** The JWS with one character of its payload changed (still base64url, so only the signature can tell). */
function tampered(jws: string): string {
  const [header, payload, signature] = jws.split('.');
  const i = Math.floor(payload.length / 2);
  return [header, payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1), signature].join('.');
}

describe('certificate signing keys', () => {
  it('reads kid:seed pairs, the first current, and refuses a bad list', () => {
    const [a, b] = [seed(), seed()];
    expect(parseSigningKeys(`k2:${a}, k1:${b}`).map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(() => parseSigningKeys('k1:short')).toThrow(/32 bytes/);
    expect(() => parseSigningKeys(`k1:${a},k1:${b}`)).toThrow(/repeats/);
    expect(() => parseSigningKeys(` , `)).toThrow(/no key/);
  });

  it('derives the same key from the sealing key outside production, and refuses to start in production without keys', () => {
    const sealing = Buffer.alloc(32, 7);
    expect(signingKeys({}, sealing)).toEqual(signingKeys({ NODE_ENV: 'test' }, sealing));
    expect(signingKeys({}, sealing)[0].seed).not.toEqual(signingKeys({}, Buffer.alloc(32, 8))[0].seed);
    expect(() => loadConfig({ NODE_ENV: 'production', SEALING_KEY: 'ab'.repeat(32), JWT_SECRET: 'x'.repeat(32) })).toThrow(
      /CERTIFICATE_SIGNING_KEYS is required/,
    );
    const keys = `cur:${seed()}`;
    expect(
      loadConfig({ NODE_ENV: 'production', SEALING_KEY: 'ab'.repeat(32), JWT_SECRET: 'x'.repeat(32), CERTIFICATE_SIGNING_KEYS: keys }).certificateSigningKeys[0]
        .kid,
    ).toBe('cur');
  });
});

describe('certificate signer', () => {
  it('signs a compact EdDSA JWS that the published JWKS verifies, and the same statement the same way', async () => {
    const signer = createSigner(parseSigningKeys(`k1:${seed()}`));
    const jws = await signer.sign(STATEMENT);
    expect(jws).toBe(await signer.sign({ ...STATEMENT }));
    const jwks = signer.jwks();
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: 'k1', alg: 'EdDSA' })]);
    // Only public parts are published.
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks));
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(STATEMENT);
    expect(await signer.verify(jws)).toEqual({ kid: 'k1', statement: STATEMENT });
  });

  it('rejects a statement with one character changed, one signed by an unpublished key, and what is not a JWS', async () => {
    const signer = createSigner(parseSigningKeys(`k1:${seed()}`));
    const jws = await signer.sign(STATEMENT);
    expect(await signer.verify(tampered(jws))).toBeNull();
    await expect(compactVerify(tampered(jws), createLocalJWKSet(signer.jwks()))).rejects.toThrow();
    const stranger = createSigner(parseSigningKeys(`k1:${seed()}`));
    expect(await signer.verify(await stranger.sign(STATEMENT))).toBeNull();
    expect(await signer.verify('not-a-jws')).toBeNull();
  });

  it('still verifies what a retired key signed after a rotation, and signs with the new key', async () => {
    const old = `k1:${seed()}`;
    const before = createSigner(parseSigningKeys(old));
    const signedBefore = await before.sign(STATEMENT);
    const after = createSigner(parseSigningKeys(`k2:${seed()},${old}`));
    expect(after.currentKid).toBe('k2');
    expect(after.jwks().keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(await after.verify(signedBefore)).toEqual({ kid: 'k1', statement: STATEMENT });
    const signedAfter = await after.sign(STATEMENT);
    expect((await after.verify(signedAfter))?.kid).toBe('k2');
    // A key dropped from the list no longer verifies what it signed.
    expect(await createSigner(parseSigningKeys(`k2:${seed()}`)).verify(signedBefore)).toBeNull();
  });
});
