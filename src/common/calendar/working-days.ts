import Holidays from 'date-holidays';

/** A calendar date in Sweden, 'YYYY-MM-DD'. Deadlines are counted in Swedish days, not UTC ones. */
export type IsoDate = string;

const TIME_ZONE = 'Europe/Stockholm';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const stockholmDateFormatter = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

const holidays = new Holidays('SE');
const publicHolidaysByYear = new Map<number, ReadonlySet<IsoDate>>();

// Sweden's offsets from UTC are whole hours, so the date is the same all through a UTC hour: the
// last hour's answer is kept (formatting with a time zone is costly on every filed report).
let lastHour = NaN;
let lastHourDate: IsoDate = '';

/** The Swedish calendar date of an instant (a report filed 00:30 on Saturday is Saturday's). */
export function stockholmDate(instant: Date): IsoDate {
  const hour = Math.floor(instant.getTime() / 3_600_000);
  if (hour === lastHour) return lastHourDate;
  const date = stockholmDateFormatter.format(instant);
  lastHour = hour;
  lastHourDate = date;
  return date;
}

function parse(date: IsoDate): Date {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Ogiltigt datum: ${date}`);
  const parsed = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (parsed.toISOString().slice(0, 10) !== date) throw new RangeError(`Ogiltigt datum: ${date}`);
  return parsed;
}

function format(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Röda dagar: the public holidays only. Midsommarafton, julafton and nyårsafton are "bank" days in date-holidays, not public. */
export function publicHolidays(year: number): ReadonlySet<IsoDate> {
  let set = publicHolidaysByYear.get(year);
  if (!set) {
    set = new Set(
      holidays
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    publicHolidaysByYear.set(year, set);
  }
  return set;
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return format(new Date(parse(date).getTime() + days * DAY_MS));
}

export function isWorkingDay(date: IsoDate): boolean {
  const day = parse(date).getUTCDay();
  if (day === 0 || day === 6) return false;
  return !publicHolidays(Number(date.slice(0, 4))).has(date);
}

/** The date `days` working days after `date` (the start date itself does not count). */
export function addWorkingDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days måste vara ett heltal ≥ 0');
  let current = date;
  let left = days;
  while (left > 0) {
    current = addCalendarDays(current, 1);
    if (isWorkingDay(current)) left -= 1;
  }
  return current;
}

/** Working days after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let current = addCalendarDays(from, 1); current <= to; current = addCalendarDays(current, 1)) {
    if (isWorkingDay(current)) count += 1;
  }
  return count;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / DAY_MS);
}
