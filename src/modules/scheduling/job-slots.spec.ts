import { dailySlot, manualSlot, weeklySlot } from './job-slots';

describe('job slots', () => {
  it('a daily slot is the Swedish calendar day, not the UTC one', () => {
    expect(dailySlot(new Date('2026-11-23T12:00:00Z'))).toBe('2026-11-23');
    // 23:30 UTC on 23 November is 00:30 on 24 November in Stockholm (CET, UTC+1).
    expect(dailySlot(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24');
    // Summer time (CEST, UTC+2).
    expect(dailySlot(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
  });

  it('a weekly slot is the ISO week, with the ISO year at the turn of the year', () => {
    expect(weeklySlot(new Date('2026-11-23T08:00:00Z'))).toBe('2026-W48');
    expect(weeklySlot(new Date('2026-11-29T20:00:00Z'))).toBe('2026-W48'); // Sunday evening
    expect(weeklySlot(new Date('2026-11-29T23:30:00Z'))).toBe('2026-W49'); // already Monday in Stockholm
    expect(weeklySlot(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(weeklySlot(new Date('2025-12-29T12:00:00Z'))).toBe('2026-W01');
  });

  it('manual slots never repeat', () => {
    const at = new Date('2026-11-23T08:00:00Z');
    expect(manualSlot(at)).toMatch(/^manuell:2026-11-23T08:00:00.000Z:[0-9a-f]{8}$/);
    expect(manualSlot(at)).not.toBe(manualSlot(at));
  });
});
