import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import type { Config } from '../platform/config';
import { mintToken } from './auth';
import { DEMO_USERS } from '../db/seeds/demo';

/** Where scripts/build-console.ts puts the built console. */
const CONSOLE_DIST = path.join(__dirname, '..', 'console', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const SOURCE_MAP_TYPE = { '.map': 'application/json; charset=utf-8' };

/**
 * Serves the built operator console under /console (GET and HEAD only). The console calls the public
 * API like any client, so it needs nothing from the API but its files. Source maps only in development.
 */
export function serveConsole(options: { sourceMaps: boolean }): Middleware {
  const types: Record<string, string> = options.sourceMaps ? { ...CONTENT_TYPES, ...SOURCE_MAP_TYPE } : CONTENT_TYPES;
  return async (ctx, next) => {
    if (!(ctx.path === '/console' || ctx.path.startsWith('/console/')) || !['GET', 'HEAD'].includes(ctx.method)) return next();
    if (ctx.path === '/console') return ctx.redirect('/console/');
    const relative = ctx.path === '/console/' ? 'index.html' : ctx.path.slice('/console/'.length);
    const file = path.resolve(CONSOLE_DIST, relative);
    // Only files directly in dist, by names the build writes: no traversal, no dot-files.
    const type = types[path.extname(file)];
    if (path.dirname(file) !== CONSOLE_DIST || !type || path.basename(file).startsWith('.')) return next();
    const body = await readFile(file).catch(() => null);
    if (!body) return next();
    ctx.type = type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    ctx.body = body;
  };
}

/**
 * Development only (mounted only with NODE_ENV=development): the demo users with fresh tokens, so the
 * console's sign-in page can offer them. It hands out exactly what `npm start` prints.
 */
export function devTokens(config: Config): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/console/dev-tokens' || ctx.method !== 'GET') return next();
    const users = await Promise.all(DEMO_USERS.map(async (u) => ({ id: u.id, name: u.name, roles: u.roles, token: await mintToken(config, u.id) })));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { users };
  };
}
