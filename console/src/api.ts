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

/** The token's claims, read without verifying it: the API verifies every call, this only shapes the screens. */
export function claimsOf(token: string): Me | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; roles?: unknown; jurisdictions?: unknown; exp?: unknown };
    if (typeof payload.sub !== 'string' || !Array.isArray(payload.roles)) return null;
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return null;
    return { id: payload.sub, roles: payload.roles.map(String), jurisdictions: Array.isArray(payload.jurisdictions) ? payload.jurisdictions.map(String) : [] };
  } catch {
    return null;
  }
}

export function signIn(token: string): Me | null {
  const me = claimsOf(token);
  if (me) sessionStorage.setItem(TOKEN_KEY, token);
  return me;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function currentUser(): Me | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? claimsOf(token) : null;
}

export const hasRole = (me: Me | null, ...roles: string[]) => !!me && roles.some((r) => me.roles.includes(r));

/** An Idempotency-Key; crypto.randomUUID exists only in secure contexts, a phone on the LAN may not be one. */
export function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function api<T = any>(method: 'GET' | 'POST', path: string, options: { body?: unknown; headers?: Record<string, string>; idempotencyKey?: string } = {}): Promise<T> {
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
