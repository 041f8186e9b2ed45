/**
 * PostgreSQL text cannot hold U+0000, and no person types it or the other C0 control characters
 * (tab, newline and carriage return excepted): remove them from everything that comes in, so they can
 * never turn a request into a database error or pose as the filing mail's placeholders.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
export function stripNul<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(CONTROL, '') as T;
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = stripNul(value[i], depth + 1);
    return value;
  }
  for (const key of Object.keys(value)) {
    const record = value as Record<string, unknown>;
    record[key] = stripNul(record[key], depth + 1);
  }
  return value;
}
