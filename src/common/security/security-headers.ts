import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The security headers helmet would set, worked out once. @fastify/helmet rebuilds helmet (and
 * re-parses the CSP) on every request, which cost several per cent of the app's CPU under load;
 * the headers never vary per request here (no CSP nonces), so they are computed at boot.
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]): void {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string): void {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown = null;
  // helmet's middleware is synchronous: it has called back before it returns.
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) failure = error;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}
