import type { Middleware } from 'koa';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { jurisdictionCode } from '../domain/jurisdiction';
import { ROLES, type Actor, type Role } from '../domain/roles';
import { HttpError } from './errors';

const claimsSchema = z.object({ sub: z.string().min(1).max(64), roles: z.array(z.enum(ROLES)).min(1), jurisdictions: z.array(jurisdictionCode).max(50).default([]) });

const key = (secret: string) => new TextEncoder().encode(secret);

/** Signs an HS256 token carrying the subject and roles (scripts/mint-token.ts, tests). */
export async function mintToken(secret: string, actor: Actor, ttl = '12h'): Promise<string> {
  return new SignJWT({ roles: actor.roles, jurisdictions: actor.jurisdictions ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(actor.id)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key(secret));
}

/** Requires `Authorization: Bearer <HS256 JWT>`; sets ctx.state.actor. Anything else is 401. */
export function authenticate(secret: string): Middleware {
  // Imported once: given raw bytes, jose imports them into WebCrypto again on every request.
  const verifyKey = crypto.subtle.importKey('raw', key(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    if (!match) throw new HttpError(401, 'unauthenticated', 'a bearer token is required', [], { 'WWW-Authenticate': 'Bearer' });
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(match[1], await verifyKey, { algorithms: ['HS256'] }));
    } catch (error) {
      throw new HttpError(401, 'unauthenticated', `invalid token: ${(error as Error).message}`, [], { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new HttpError(401, 'unauthenticated', 'the token lacks a subject or roles', [], { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    ctx.state.actor = { id: claims.data.sub, roles: claims.data.roles, jurisdictions: claims.data.jurisdictions } satisfies Actor;
    await next();
  };
}

/** Lets through only an actor holding one of the roles (403 otherwise). */
export function requireRole(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const actor = ctx.state.actor as Actor;
    if (!roles.some((role) => actor.roles.includes(role))) {
      throw new HttpError(403, 'forbidden', `this needs one of the roles: ${roles.join(', ')}`);
    }
    await next();
  };
}
