/** After this many failed attempts a mail is marked failed and waits for an admin. */
export const MAIL_MAX_ATTEMPTS = 10;
export const MAIL_BACKOFF_BASE_MS = 15_000;
export const MAIL_BACKOFF_MAX_MS = 60 * 60_000;

/**
 * Delay before the next try after `attempts` failed attempts: 15 s, 30 s, 1 min, 2 min … capped
 * at one hour, so ten attempts span a bit over two hours of SMTP outage.
 */
export function mailBackoffMs(attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(MAIL_BACKOFF_MAX_MS, MAIL_BACKOFF_BASE_MS * 2 ** Math.min(exponent, 30));
}
