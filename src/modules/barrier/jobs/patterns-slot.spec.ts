import { isValidCron, patternsSlot } from './patterns-slot';

describe('patternsSlot', () => {
  it('is the scheduled night in Swedish time, for timers firing on time, early or late', () => {
    expect(patternsSlot('0 3 * * *', new Date('2026-11-23T02:00:00.200Z'))).toBe('2026-11-23 03:00');
    expect(patternsSlot('0 3 * * *', new Date('2026-11-23T01:59:30Z'))).toBe('2026-11-23 03:00');
    expect(patternsSlot('0 3 * * *', new Date('2026-11-23T02:04:00Z'))).toBe('2026-11-23 03:00');
    // Summer time: 03:00 in Stockholm is 01:00 UTC.
    expect(patternsSlot('0 3 * * *', new Date('2026-06-30T01:00:05Z'))).toBe('2026-06-30 03:00');
  });

  it('follows a more frequent schedule', () => {
    expect(patternsSlot('0 */6 * * *', new Date('2026-11-23T05:00:10Z'))).toBe('2026-11-23 06:00');
    expect(patternsSlot('0 */6 * * *', new Date('2026-11-23T11:00:10Z'))).toBe('2026-11-23 12:00');
  });

  it('knows a valid expression', () => {
    expect(isValidCron('0 3 * * *')).toBe(true);
    expect(isValidCron('0 0 3 * * 1-5')).toBe(true);
    expect(isValidCron('99 * * * *')).toBe(false);
    expect(isValidCron('varje natt')).toBe(false);
  });
});
