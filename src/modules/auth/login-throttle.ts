import { isIP } from 'node:net';

/** Failed sign-ins count for this long; a lock lifts when enough of them have aged out. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * How many failed sign-ins (within LOGIN_WINDOW_MS) each kind of lock allows. Failures are counted per
 * e-mail and client address together, so a stranger who knows a colleague's address cannot lock the
 * colleague out of their own machine (OWASP, Authentication Cheat Sheet: account lockout).
 */
export const LOGIN_LIMITS = {
  /** One person at one place: room for typos, far too few to guess a 12-character password. */
  pair: 5,
  /** One machine or network across all addresses, so it cannot guess at many accounts. A workplace
   *  behind one address keeps room for its staff's typos, and a successful sign-in takes back its own. */
  ip: 30,
  /**
   * One address from everywhere together, against a guess spread over many machines. Ten times the
   * pair limit: the real user and a few colleagues sharing a computer never come near it, so reaching it
   * takes at least ten places deliberately guessing (an attacker with one machine is stopped by `ip`
   * first). It still caps a distributed guess at 200 an hour, nothing against a password of 12 or more
   * characters; a lower number would hand the lock-out back to anyone with a handful of addresses.
   */
  account: 50,
} as const;

export type LoginLimit = keyof typeof LOGIN_LIMITS;

/** A failed sign-in that still counts: not cleared by a later success of the same pair, within the window. */
export interface CountedFailure {
  email: string;
  /** clientKey() of the address it came from. */
  client: string;
  at: Date;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; limit: LoginLimit; retryAt: Date };

/**
 * The key a client's failures are counted under. IPv4 as it is. IPv6 by its /64 network: one
 * household, office or host gets a whole /64 and picks new addresses in it at will (privacy
 * addresses), so single IPv6 addresses would be free to rotate around every limit.
 */
export function clientKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(address) !== 6) return address;
  const withoutZone = address.split('%')[0];
  const [head, tail = ''] = withoutZone.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = withoutZone.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail only ever sits in the last 32 bits, outside the /64 kept here.
  const groups = withoutZone.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length - (tailGroups.at(-1)?.includes('.') ? 1 : 0)).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((group) => (parseInt(group, 16) || 0).toString(16)).join(':')}::/64`;
}

/**
 * Whether a sign-in attempt by `email` from `client` may go ahead, given the failures that count now.
 * Blocked when any limit is already reached. The reported limit is the one that says most to the user
 * (the whole account, then the machine, then this pair); retryAt is when every reached limit has
 * lifted, i.e. when enough of the oldest failures have left the window.
 */
export function decideLoginThrottle(
  failures: readonly CountedFailure[],
  attempt: { email: string; client: string },
  now: Date,
  limits: Record<LoginLimit, number> = LOGIN_LIMITS,
): ThrottleDecision {
  const since = now.getTime() - LOGIN_WINDOW_MS;
  const recent = failures.filter((failure) => failure.at.getTime() > since);
  const buckets: Record<LoginLimit, number[]> = {
    account: times(recent.filter((failure) => failure.email === attempt.email)),
    ip: times(recent.filter((failure) => failure.client === attempt.client)),
    pair: times(recent.filter((failure) => failure.email === attempt.email && failure.client === attempt.client)),
  };
  let blocked: LoginLimit | null = null;
  let retryAt = 0;
  for (const limit of ['account', 'ip', 'pair'] as const) {
    const bucket = buckets[limit];
    if (bucket.length < limits[limit]) continue;
    blocked ??= limit;
    // Open again once the count is below the limit: when the (count - limit + 1)th oldest ages out.
    retryAt = Math.max(retryAt, bucket[bucket.length - limits[limit]] + LOGIN_WINDOW_MS);
  }
  return blocked ? { allowed: false, limit: blocked, retryAt: new Date(retryAt) } : { allowed: true };
}

function times(failures: readonly CountedFailure[]): number[] {
  return failures.map((failure) => failure.at.getTime()).sort((a, b) => a - b);
}

/** Whole minutes until `retryAt`, at least one, for "försök igen om N minuter". */
export function minutesUntil(retryAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
}
