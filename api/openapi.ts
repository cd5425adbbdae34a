import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteSpec } from './routeSpec';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(
      z.object({
        field: z.string().optional(),
        code: z
          .string()
          .describe(
            'stable: required, too_short, too_long, too_few, too_many, too_small, too_big, invalid_type, invalid_email, invalid_date, invalid_datetime, invalid_format, invalid_choice, unknown_field, not_one_line, malformed_text, unknown_user, no_such_station, … or invalid',
          ),
        message: z.string().describe('English, for API clients'),
        limit: z.number().optional().describe('the bound a too_* value missed'),
      }),
    ),
  }),
});

/** The OpenAPI document, generated from the same route specs and zod schemas that validate requests. */
export function openApiDocument(specs: RouteSpec[]): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const spec of specs) {
    const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const errors = Object.fromEntries(
      [400, 401, 403, 404, 409, 413, 503].map((code) => [code, { description: 'error', content: { 'application/json': { schema: errorSchema } } }]),
    );
    registry.registerPath({
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      description: `Roles: ${spec.roles.join(', ')}`,
      security: [{ [bearer.name]: [] }],
      request: {
        ...(params.length ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
        ...(spec.method === 'post' && !spec.readOnly ? { headers: z.object({ 'Idempotency-Key': z.string().max(200).optional() }) } : {}),
      },
      responses: { [spec.status ?? 200]: { description: 'success' }, ...errors },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'appraisal-supervision API', version: '1' },
    servers: [{ url: '/' }],
  });
}
