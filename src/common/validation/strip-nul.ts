/**
 * PostgreSQL text cannot hold U+0000, and no person types it: remove it from everything that
 * comes in, so it can never turn a request into a database error.
 */
export function stripNul<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(/\u0000/g, '') : value) as T;
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
