import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { decodeTime } from 'ulid';

/**
 * The complainant's identity and contact, sealed with AES-256-GCM under a key from the environment
 * (COMPLAINT_KEY, 64 hex characters), so the database holds them encrypted at rest.
 */
const DEV_KEY = createHash('sha256').update('development-only-complaint-key').digest();

export function complaintKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.COMPLAINT_KEY) {
    const key = Buffer.from(env.COMPLAINT_KEY, 'hex');
    if (key.length !== 32) throw new Error('COMPLAINT_KEY must be 64 hex characters (32 bytes)');
    return key;
  }
  if (env.NODE_ENV === 'production') throw new Error('COMPLAINT_KEY is required when NODE_ENV=production');
  return DEV_KEY;
}

export function seal(value: unknown, key = complaintKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

export function unseal<T>(sealed: string, key = complaintKey()): T {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as T;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The complainant's tracking number and secret, derived from the complaint id under the key: a retried
 * intake (same Idempotency-Key, so the same id) hands out the same pair, and only the secret's hash is kept.
 */
export function complaintCredentials(id: string, key = complaintKey()): { trackingNumber: string; secret: string } {
  const mac = (purpose: string) => createHmac('sha256', key).update(`${purpose}:${id}`).digest();
  const day = new Date(decodeTime(id)).toISOString().slice(0, 10).replace(/-/g, '');
  return { trackingNumber: `TS${day}${mac('tracking').subarray(0, 4).toString('hex').toUpperCase()}`, secret: mac('secret').subarray(0, 18).toString('base64url') };
}
