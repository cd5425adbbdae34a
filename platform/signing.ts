import { createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';

/**
 * The signature on electronic certificates: a compact Ed25519 JWS of the certificate's essentials, carried in its QR
 * code, so anyone can check a certificate offline against the public keys the API publishes (JWKS). Keys come from
 * CERTIFICATE_SIGNING_KEYS, a comma-separated list of `kid:seed` (the seed 32 bytes in base64url): the first signs,
 * the rest are retired and only verify, so a certificate signed before a rotation stays verifiable.
 */
export interface SigningKey {
  kid: string;
  seed: Buffer;
}

/** What a certificate's QR code states, with one-letter names to keep the code small. */
export interface CertificateStatement {
  /** number */
  n: string;
  /** holder's name */
  h: string;
  /** occupation code */
  o: string;
  /** level (1 高级技师 … 5 初级) */
  l: number;
  /** issue date (YYYY-MM-DD) */
  d: string;
  /** issuer's code */
  i: string;
  /** station id, none for an imported certificate without one */
  s: number | null;
}

export interface Signer {
  /** The kid of the key that signs now. */
  readonly currentKid: string;
  sign(statement: CertificateStatement): Promise<string>;
  /** The public keys, current and retired, as published. */
  jwks(): JSONWebKeySet;
  /** The statement and the key that signed it, or null when no published key verifies it (altered, unknown key, not a JWS). */
  verify(jws: string): Promise<{ kid: string; statement: CertificateStatement } | null>;
}

// A PKCS #8 DER wrapper for a raw Ed25519 seed (RFC 8410): node:crypto builds the key from it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const KID = /^[A-Za-z0-9._-]{1,40}$/;

export function parseSigningKeys(value: string): SigningKey[] {
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [kid, seed, ...rest] = entry.split(':');
      const bytes = Buffer.from(seed ?? '', 'base64url');
      if (!KID.test(kid) || rest.length || bytes.length !== 32)
        throw new Error('CERTIFICATE_SIGNING_KEYS must be a comma-separated list of kid:seed, each seed 32 bytes in base64url');
      return { kid, seed: bytes };
    });
  if (!keys.length) throw new Error('CERTIFICATE_SIGNING_KEYS names no key');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error('CERTIFICATE_SIGNING_KEYS repeats a kid');
  return keys;
}

/**
 * The keys from the environment; without them, outside production, one derived from the sealing key (the same on
 * every start, so certificates signed in development still verify after a restart).
 */
export function signingKeys(env: NodeJS.ProcessEnv, sealingKey: Buffer): SigningKey[] {
  if (env.CERTIFICATE_SIGNING_KEYS) return parseSigningKeys(env.CERTIFICATE_SIGNING_KEYS);
  if (env.NODE_ENV === 'production') throw new Error('CERTIFICATE_SIGNING_KEYS is required when NODE_ENV=production');
  return [{ kid: 'dev-1', seed: createHmac('sha256', sealingKey).update('certificate-signing').digest() }];
}

function privateKey(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function createSigner(keys: SigningKey[]): Signer {
  if (!keys.length) throw new Error('no signing key');
  const current = { kid: keys[0].kid, key: privateKey(keys[0].seed) };
  const published: JSONWebKeySet = {
    keys: keys.map(({ kid, seed }) => ({ ...createPublicKey(privateKey(seed)).export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' })),
  };
  const keySet = createLocalJWKSet(published);
  return {
    currentKid: current.kid,
    async sign(statement) {
      const { n, h, o, l, d, i, s } = statement;
      // Only the statement's own fields, in a fixed order: the same certificate always signs to the same bytes.
      const payload = new TextEncoder().encode(JSON.stringify({ n, h, o, l, d, i, s }));
      return new CompactSign(payload).setProtectedHeader({ alg: 'EdDSA', kid: current.kid }).sign(current.key);
    },
    jwks: () => structuredClone(published),
    async verify(jws) {
      try {
        const { payload, protectedHeader } = await compactVerify(jws, keySet, { algorithms: ['EdDSA'] });
        return { kid: protectedHeader.kid!, statement: JSON.parse(new TextDecoder().decode(payload)) as CertificateStatement };
      } catch {
        return null;
      }
    },
  };
}
