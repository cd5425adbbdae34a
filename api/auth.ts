import type { Middleware } from 'koa';
import { SignJWT, jwtVerify } from 'jose';
import type { Config } from '../platform/config';
import type { Db } from '../db/connect';
import { findUser } from '../db/queries/users';
import type { Actor, Role } from '../domain/roles';
import { HttpError } from './errors';

const key = (secret: string) => new TextEncoder().encode(secret);

type TokenSettings = Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>;

/**
 * Signs an HS256 token naming only who the bearer is (scripts/mint-token.ts, the dev sign-in, tests):
 * what they may do is read from the user register on every request.
 */
export async function mintToken(config: TokenSettings, subject: string, ttl = '12h'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key(config.jwtSecret));
}

const unauthenticated = (message: string, error = 'invalid_token') =>
  new HttpError(401, 'unauthenticated', message, [], { 'WWW-Authenticate': error ? `Bearer error="${error}"` : 'Bearer' });

/**
 * The user register as the API sees it: a subject resolved to the person's current roles and
 * jurisdictions, kept for at most `ttlMs` so a deactivation or a change of roles takes effect within it.
 */
export function registerIdentities(db: Db, ttlMs: number) {
  const cache = new Map<string, { actor: Actor | null; until: number }>();
  return async (subject: string): Promise<Actor | null> => {
    const hit = cache.get(subject);
    if (hit && hit.until > Date.now()) return hit.actor;
    const user = await findUser(db, subject);
    // The register's ids compare without case; a subject must name the person exactly.
    const actor = user && user.id === subject && user.active !== false ? { id: user.id, roles: user.roles, jurisdictions: user.jurisdictions ?? [] } : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(subject, { actor, until: Date.now() + ttlMs });
    return actor;
  };
}

/**
 * Requires `Authorization: Bearer <HS256 JWT>` with a subject, an expiry no further than the configured
 * lifetime, and this deployment's issuer and audience; the subject must be an active person in the
 * register, whose roles and jurisdictions (not the token's claims) become ctx.state.actor. Anything else is 401.
 */
export function authenticate(config: Config, db: Db): Middleware {
  // Imported once: given raw bytes, jose imports them into WebCrypto again on every request.
  const verifyKey = crypto.subtle.importKey('raw', key(config.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const identify = registerIdentities(db, config.identityCacheMs);
  // A token verified once names the same subject until it expires: its signature and claims are not checked again on
  // every request (about 8 % of the API's time in the list benchmark's profile). Who the subject is and may do is still read from the register.
  const verified = new Map<string, { subject: string; expiresMs: number }>();
  return async (ctx, next) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(ctx.get('authorization'));
    if (!match) throw unauthenticated('a bearer token is required', '');
    let subject: string;
    const known = verified.get(match[1]);
    if (known && known.expiresMs > Date.now()) subject = known.subject;
    else {
      verified.delete(match[1]);
      try {
        const { payload } = await jwtVerify(match[1], await verifyKey, {
          algorithms: ['HS256'],
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
          requiredClaims: ['sub', 'exp'],
        });
        subject = payload.sub!;
        if (payload.exp! - Date.now() / 1000 > config.tokenMaxLifetimeSeconds)
          throw new Error(`the token lives longer than ${config.tokenMaxLifetimeSeconds} s`);
        if (verified.size >= 10_000) verified.clear();
        verified.set(match[1], { subject, expiresMs: payload.exp! * 1000 });
      } catch (error) {
        throw unauthenticated(`invalid token: ${(error as Error).message}`);
      }
    }
    const actor = subject.length <= 64 ? await identify(subject) : null;
    if (!actor) throw unauthenticated('the token names no active person in the user register');
    ctx.state.actor = actor;
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
