import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { decodeTime } from 'ulid';

/**
 * Personal data kept apart from cases (a complainant's identity and contact, idempotent answers to anonymous
 * callers), sealed with AES-256-GCM under one key read at start (SEALING_KEY, or COMPLAINT_KEY as before:
 * 64 hex characters), so the database holds them encrypted at rest.
 */
const DEV_KEY = createHash('sha256').update('development-only-complaint-key').digest();

/** The key from the environment; only development and tests may run on the built-in one. */
export function sealingKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const hex = env.SEALING_KEY ?? env.COMPLAINT_KEY;
  if (hex) {
    const key = Buffer.from(hex, 'hex');
    if (key.length !== 32) throw new Error('SEALING_KEY must be 64 hex characters (32 bytes)');
    return key;
  }
  if (env.NODE_ENV === 'production') throw new Error('SEALING_KEY is required when NODE_ENV=production');
  return DEV_KEY;
}

export interface Sealer {
  seal(value: unknown): string;
  unseal<T>(sealed: string): T;
  /** A keyed hash for matching sealed values (the same input, the same hash) without unsealing them. */
  keyedHash(purpose: string, value: string): string;
  /**
   * The complainant's tracking number and secret, derived from the complaint id under the key: a retried
   * intake (same Idempotency-Key, so the same id) hands out the same pair, and only the secret's hash is kept.
   */
  complaintCredentials(id: string): { trackingNumber: string; secret: string };
}

export function createSealer(key: Buffer): Sealer {
  const mac = (purpose: string, value: string) => createHmac('sha256', key).update(`${purpose}:${value}`).digest();
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
    },
    unseal<T>(sealed: string): T {
      const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as T;
    },
    keyedHash: (purpose, value) => mac(purpose, value).toString('hex'),
    complaintCredentials(id) {
      const day = new Date(decodeTime(id)).toISOString().slice(0, 10).replace(/-/g, '');
      return {
        trackingNumber: `TS${day}${mac('tracking', id).subarray(0, 4).toString('hex').toUpperCase()}`,
        secret: mac('secret', id).subarray(0, 18).toString('base64url'),
      };
    },
  };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
