import {
  addCalendarDays,
  addWorkingDays,
  calendarDaysBetween,
  isIsoDate,
  isWorkingDay,
  publicHolidays,
  stockholmDate,
  workingDaysBetween,
} from './working-days';

describe('working days in Sweden', () => {
  it('skips weekends', () => {
    expect(isWorkingDay('2026-11-20')).toBe(true); // Friday
    expect(isWorkingDay('2026-11-21')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-22')).toBe(false); // Sunday
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23');
    expect(addWorkingDays('2026-11-21', 2)).toBe('2026-11-24');
  });

  it('skips public holidays (röda dagar) but not afton days', () => {
    expect(isWorkingDay('2026-12-25')).toBe(false); // juldagen
    expect(isWorkingDay('2026-04-03')).toBe(false); // långfredagen
    expect(isWorkingDay('2026-05-14')).toBe(false); // Kristi himmelsfärd
    expect(isWorkingDay('2026-06-19')).toBe(true); // midsommarafton is not public
    expect(publicHolidays(2026).has('2026-06-06')).toBe(true);
    // Thursday before Easter + 2 working days: past långfredagen and annandag påsk.
    expect(addWorkingDays('2026-04-02', 2)).toBe('2026-04-08');
    // Over Christmas 2026: 24 (Thu) works, 25 (Fri) red, weekend, 28 (Mon).
    expect(addWorkingDays('2026-12-23', 2)).toBe('2026-12-28');
  });

  it('counts working days between dates', () => {
    expect(workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
    expect(workingDaysBetween('2026-11-20', '2026-11-23')).toBe(1);
    expect(workingDaysBetween('2026-11-23', '2026-11-30')).toBe(5);
    expect(workingDaysBetween('2026-12-23', '2026-12-28')).toBe(2);
    expect(workingDaysBetween('2026-11-30', '2026-11-23')).toBe(0);
    expect(addWorkingDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('uses the Swedish calendar date of an instant', () => {
    expect(stockholmDate(new Date('2026-11-20T23:30:00Z'))).toBe('2026-11-21');
    expect(stockholmDate(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(stockholmDate(new Date('2026-06-30T21:30:00Z'))).toBe('2026-06-30');
  });

  it('does calendar arithmetic across months and years', () => {
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(calendarDaysBetween('2026-11-01', '2026-12-01')).toBe(30);
    expect(calendarDaysBetween('2026-12-01', '2026-11-01')).toBe(-30);
  });

  it('rejects dates that do not exist', () => {
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(() => isWorkingDay('igår')).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-20', -1)).toThrow(RangeError);
  });
});
