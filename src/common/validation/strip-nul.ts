/**
 * PostgreSQL text cannot hold U+0000, and no person types it or the other C0 control characters
 * (tab, newline and carriage return excepted): remove them from everything that comes in, so they can
 * never turn a request into a database error or pose as the filing mail's placeholders.
 *
 * JSON may also carry a lone UTF-16 surrogate (`"\ud800"`), which is no character at all: PostgreSQL
 * refuses it in json and UTF-8, and validators that encode URIs throw on it. It becomes U+FFFD, the
 * replacement character, as a browser does with bytes it cannot read; the rest of the text is kept.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function stripNul<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD') as T;
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
