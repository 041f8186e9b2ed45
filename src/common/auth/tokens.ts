import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie or bearer token; only its hash is ever stored. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
