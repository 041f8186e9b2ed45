import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '../auth/auth-user';

export const CSRF_COOKIE = 'avv_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Signed double-submit: the form token is an HMAC of a random cookie, so it cannot be forged cross-site. */
export function csrfTokenFor(secret: string, cookieValue: string): string {
  return createHmac('sha256', secret).update(`csrf:${cookieValue}`).digest('base64url');
}

/** Gives every browser a CSRF cookie and every request the matching token for its forms. */
export function registerCsrf(fastify: FastifyInstance, secret: string, secureCookies: boolean): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // API clients with a bearer token use no cookies and need no CSRF token (the guard skips the check).
    if (/^bearer\s+/i.test(request.headers.authorization ?? '')) return;
    let cookieValue = request.cookies[CSRF_COOKIE];
    if (!cookieValue || cookieValue.length < 20) {
      cookieValue = randomBytes(24).toString('base64url');
      request.cookies[CSRF_COOKIE] = cookieValue;
      reply.setCookie(CSRF_COOKIE, cookieValue, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
      });
    }
    (request as AuthenticatedRequest).csrfToken = csrfTokenFor(secret, cookieValue);
  });
}

export function hasValidCsrfToken(request: AuthenticatedRequest): boolean {
  const expected = request.csrfToken;
  if (!expected) return false;
  const body = request.body;
  const fromBody =
    body !== null && typeof body === 'object' && CSRF_FIELD in body ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  const fromHeader = request.headers[CSRF_HEADER];
  const given = typeof fromBody === 'string' ? fromBody : typeof fromHeader === 'string' ? fromHeader : undefined;
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
