import { randomBytes } from 'node:crypto';

const TIME_ZONE = 'Europe/Stockholm';

const dayParts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

function swedishDay(date: Date): { year: number; month: number; day: number } {
  const parts = Object.fromEntries(dayParts.formatToParts(date).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** The Swedish calendar day, e.g. "2026-11-23": the slot of a daily or nightly job. */
export function dailySlot(date: Date): string {
  const { year, month, day } = swedishDay(date);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The ISO week of the Swedish calendar day, e.g. "2026-W48": the slot of a weekly job. */
export function weeklySlot(date: Date): string {
  const { year, month, day } = swedishDay(date);
  const utc = new Date(Date.UTC(year, month - 1, day));
  const weekday = utc.getUTCDay() || 7; // Monday 1 … Sunday 7
  utc.setUTCDate(utc.getUTCDate() + 4 - weekday); // the Thursday decides the ISO year
  const isoYear = utc.getUTCFullYear();
  const week = Math.ceil(((utc.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}

/** A slot no other run shares, for a run started by hand (CLI): it never collides with a scheduled slot. */
export function manualSlot(date: Date): string {
  return `manuell:${date.toISOString()}:${randomBytes(4).toString('hex')}`;
}
