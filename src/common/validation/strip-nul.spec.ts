import { stripNul } from './strip-nul';

describe('stripNul', () => {
  it('removes NUL from strings at any depth and leaves the rest', () => {
    const input = { a: 'x\u0000y', b: ['\u0000', 1, { c: 'z\u0000' }], d: null, e: 5 };
    expect(stripNul(input)).toEqual({ a: 'xy', b: ['', 1, { c: 'z' }], d: null, e: 5 });
    expect(stripNul('ab\u0000\u0000c')).toBe('abc');
    expect(stripNul('rad\tett\r\nrad\u0002två\u001f')).toBe('rad\tett\r\nradtvå');
  });

  it('replaces lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    expect(stripNul({ a: 'x\uD800y', b: ['\uDC00z', 'a\uDBFF'] })).toEqual({ a: 'x\uFFFDy', b: ['\uFFFDz', 'a\uFFFD'] });
    expect(stripNul('🙂 och \uDC00\uD800')).toBe('🙂 och \uFFFD\uFFFD');
  });
});
