/**
 * FNV-1a plus a murmur finaliser: a well-spread unsigned 32-bit number from a text and a salt, the
 * same on every machine and run. For deterministic "random" choices (which reports a sample takes,
 * which history a demo report gets), never for security.
 */
export function stableHash(text: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
