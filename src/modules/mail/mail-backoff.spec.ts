import { MAIL_BACKOFF_MAX_MS, mailBackoffMs } from './mail-backoff';

describe('mailBackoffMs', () => {
  it('doubles from 15 seconds', () => {
    expect([1, 2, 3, 4].map(mailBackoffMs)).toEqual([15_000, 30_000, 60_000, 120_000]);
  });

  it('is capped at one hour however many attempts', () => {
    expect(mailBackoffMs(9)).toBe(MAIL_BACKOFF_MAX_MS);
    expect(mailBackoffMs(500)).toBe(MAIL_BACKOFF_MAX_MS);
  });
});
