/** The public API, called with the signed-in user's token. */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[],
  ) {
    super(message);
  }
}

export interface Me {
  id: string;
  roles: string[];
  jurisdictions: string[];
}

const TOKEN_KEY = 'token';
const ME_KEY = 'me';

/**
 * Signs in with a token: the API's user register (GET /v1/me) says who the bearer is and what they may do;
 * a token it refuses signs nobody in. The roles kept here only shape the screens: the API checks every call.
 */
export async function signIn(token: string): Promise<Me | null> {
  if (!/^[A-Za-z0-9_.-]+$/.test(token)) return null;
  sessionStorage.setItem(TOKEN_KEY, token);
  const me = await api<Me>('GET', '/v1/me').catch(() => null);
  if (me) sessionStorage.setItem(ME_KEY, JSON.stringify(me));
  else signOut();
  return me;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ME_KEY);
}

export function currentUser(): Me | null {
  const me = sessionStorage.getItem(TOKEN_KEY) && sessionStorage.getItem(ME_KEY);
  return me ? (JSON.parse(me) as Me) : null;
}

export const hasRole = (me: Me | null, ...roles: string[]) => !!me && roles.some((r) => me.roles.includes(r));

/** An Idempotency-Key; crypto.randomUUID exists only in secure contexts, a phone on the LAN may not be one. */
export function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function api<T = any>(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; idempotencyKey?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token && !path.startsWith('/v1/public/')) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  // One key per submitted form: a retry after a lost answer acts once.
  if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? newKey();
  const response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details ?? []);
  }
  return body as T;
}

/** A file the API answers (a register's export), fetched with the user's token: a plain link cannot carry it. */
export async function fetchFile(path: string): Promise<Blob> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const error = (await response.json().catch(() => ({})))?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details ?? []);
  }
  return response.blob();
}
