const TIME_ZONE = 'Europe/Stockholm';

const dateFormatter = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const dateTimeFormatter = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

/** 2026-11-23, in Swedish time. */
export function formatDate(value: unknown): string {
  const date = toDate(value);
  return date ? dateFormatter.format(date) : '';
}

/** 2026-11-23 14:05, in Swedish time. */
export function formatDateTime(value: unknown): string {
  const date = toDate(value);
  return date ? dateTimeFormatter.format(date) : '';
}
