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

  it('gives the right date at every midnight, also when calls come in the same hour and across daylight saving', () => {
    // Midnight is on a UTC hour boundary: 23:00Z in winter, 22:00Z in summer.
    const cases: Array<[string, string]> = [
      ['2026-11-20T22:00:00Z', '2026-11-20'],
      ['2026-11-20T22:59:59.999Z', '2026-11-20'],
      ['2026-11-20T23:00:00Z', '2026-11-21'],
      ['2026-11-20T23:59:00Z', '2026-11-21'],
      ['2026-10-24T21:59:59Z', '2026-10-24'],
      ['2026-10-24T22:00:00Z', '2026-10-25'],
      ['2026-10-25T22:59:59Z', '2026-10-25'],
      ['2026-10-25T23:00:00Z', '2026-10-26'],
      ['2026-03-28T22:59:59Z', '2026-03-28'],
      ['2026-03-28T23:00:00Z', '2026-03-29'],
      ['2026-03-29T21:59:59Z', '2026-03-29'],
      ['2026-03-29T22:00:00Z', '2026-03-30'],
    ];
    for (const [instant, date] of cases) expect([instant, stockholmDate(new Date(instant))]).toEqual([instant, date]);
    expect(() => stockholmDate(new Date('inte ett datum'))).toThrow(RangeError);
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
