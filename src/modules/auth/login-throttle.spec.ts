import { clientKey, CountedFailure, decideLoginThrottle, LOGIN_LIMITS, LOGIN_WINDOW_MS, minutesUntil } from './login-throttle';

const NOW = new Date('2026-11-23T09:00:00Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);
const failures = (count: number, email: string, client: string, at = (i: number) => minutesAgo(10 - i / 10)): CountedFailure[] =>
  Array.from({ length: count }, (_, i) => ({ email, client, at: at(i) }));

describe('decideLoginThrottle', () => {
  const attempt = { email: 'anna@kommun.se', client: '198.51.100.7' };

  it('allows up to the pair limit, then blocks only that e-mail from that client', () => {
    expect(decideLoginThrottle(failures(4, attempt.email, attempt.client), attempt, NOW)).toEqual({ allowed: true });
    const five = failures(5, attempt.email, attempt.client);
    expect(decideLoginThrottle(five, attempt, NOW)).toMatchObject({ allowed: false, limit: 'pair' });
    expect(decideLoginThrottle(five, { ...attempt, client: '203.0.113.9' }, NOW)).toEqual({ allowed: true });
    expect(decideLoginThrottle(five, { ...attempt, email: 'bo@kommun.se' }, NOW)).toEqual({ allowed: true });
  });

  it('blocks a client that has failed with many addresses, for every address', () => {
    const spread = Array.from({ length: LOGIN_LIMITS.ip }, (_, i) => ({ email: `gissning${i}@kommun.se`, client: attempt.client, at: minutesAgo(5) }));
    expect(decideLoginThrottle(spread.slice(1), attempt, NOW)).toEqual({ allowed: true });
    expect(decideLoginThrottle(spread, attempt, NOW)).toMatchObject({ allowed: false, limit: 'ip' });
    expect(decideLoginThrottle(spread, { ...attempt, client: '203.0.113.9' }, NOW)).toEqual({ allowed: true });
  });

  it('blocks an address guessed at from many clients once the account ceiling is reached, from everywhere', () => {
    const clients = LOGIN_LIMITS.account / LOGIN_LIMITS.pair;
    const distributed = Array.from({ length: clients }, (_, c) => failures(LOGIN_LIMITS.pair, attempt.email, `192.0.2.${c + 1}`)).flat();
    expect(decideLoginThrottle(distributed.slice(1), attempt, NOW)).toEqual({ allowed: true });
    expect(decideLoginThrottle(distributed, attempt, NOW)).toMatchObject({ allowed: false, limit: 'account' });
    expect(decideLoginThrottle(distributed, { ...attempt, client: '203.0.113.9' }, NOW)).toMatchObject({ allowed: false, limit: 'account' });
  });

  it('reports the account ceiling over the client and pair limits when several are reached', () => {
    const many = [...failures(LOGIN_LIMITS.account - 5, attempt.email, '192.0.2.1'), ...failures(5, attempt.email, attempt.client)];
    expect(decideLoginThrottle(many, attempt, NOW)).toMatchObject({ allowed: false, limit: 'account' });
  });

  it('only counts failures inside the window, and opens when enough of the oldest have aged out', () => {
    const at = [20, 14, 12, 11, 10, 9].map(minutesAgo);
    const counted = at.map((time) => ({ email: attempt.email, client: attempt.client, at: time }));
    // Five inside the window (the one 20 minutes ago is out): blocked until the one 14 minutes ago leaves.
    const decision = decideLoginThrottle(counted, attempt, NOW);
    expect(decision).toEqual({ allowed: false, limit: 'pair', retryAt: new Date(minutesAgo(14).getTime() + LOGIN_WINDOW_MS) });
    expect(decideLoginThrottle(counted, attempt, new Date(NOW.getTime() + 60_000 + 1))).toEqual({ allowed: true });
  });

  it('waits for the latest of several reached limits', () => {
    const pair = failures(5, attempt.email, attempt.client, () => minutesAgo(1));
    const ip = Array.from({ length: LOGIN_LIMITS.ip - 5 }, (_, i) => ({ email: `x${i}@kommun.se`, client: attempt.client, at: minutesAgo(14) }));
    const decision = decideLoginThrottle([...ip, ...pair], attempt, NOW);
    expect(decision).toMatchObject({ allowed: false, limit: 'ip', retryAt: new Date(minutesAgo(1).getTime() + LOGIN_WINDOW_MS) });
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(clientKey('198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it('counts an IPv6 address under its /64, however it is written', () => {
    const key = '2001:db8:1:2::/64';
    expect(clientKey('2001:db8:1:2::1')).toBe(key);
    expect(clientKey('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe(key);
    expect(clientKey('2001:db8:1:2:ffff::')).toBe(key);
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('2001:db8:1:3::1')).not.toBe(key);
  });
});

describe('minutesUntil', () => {
  it('rounds up to whole minutes, at least one', () => {
    expect(minutesUntil(new Date(NOW.getTime() + 14 * 60_000 + 1), NOW)).toBe(15);
    expect(minutesUntil(new Date(NOW.getTime() + 60_000), NOW)).toBe(1);
    expect(minutesUntil(NOW, NOW)).toBe(1);
  });
});
