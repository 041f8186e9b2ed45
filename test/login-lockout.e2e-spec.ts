import argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../src/common/auth/password-hasher';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient, HttpResult } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const PAIR_LOCKED = 'För många misslyckade inloggningar med den här e-postadressen från den här datorn eller det här nätverket.';
const CLIENT_LOCKED = 'För många misslyckade inloggningar från den här datorn eller det här nätverket, med olika e-postadresser.';
const ACCOUNT_LOCKED = 'Inloggningen med den här e-postadressen är spärrad en stund efter många misslyckade försök från olika datorer.';

/**
 * The sign-in limits over HTTP, with each "computer" a loopback address of its own (the app trusts no
 * proxy by default, so the connecting address is the client's). Time moves with a fixed clock.
 */
describe('sign-in lock-out counts per e-mail and computer, so nobody can lock a colleague out', () => {
  const clock = new FixedClock(new Date());
  let t: TestApp;
  let nextHost = 10;

  // These tests make about 150 wrong guesses; at the real cost (~0.5 s each on a small machine) that is
  // minutes of hashing that says nothing about the limits. Hashes made here are cheap to check instead.
  const cheapHashes = (app: TestApp['app']): void => {
    app.get(PasswordHasher).hash = (password: string) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 });
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, configure: cheapHashes });
  });
  afterAll(() => t.close());

  /** A browser on a computer of its own. */
  const computer = (): HttpClient => new HttpClient(t.baseUrl, { from: `127.0.0.${nextHost++}` });
  const minutes = (n: number): void => clock.set(new Date(clock.now().getTime() + n * 60_000));
  const failFiveTimes = async (client: HttpClient, email: string): Promise<void> => {
    for (let i = 0; i < 5; i += 1) expect((await client.login(email, `fel-losenord-${i}`)).status).toBe(401);
  };
  const expectLocked = (result: HttpResult, message: string): void => {
    expect(result.status).toBe(429);
    expect(result.text).toContain(message);
  };

  // First, while the fixed clock still agrees with the database's now(): rows written before this change
  // took created_at from the database and have no cleared_at.
  it('failures recorded before the change still count, for that computer only', async () => {
    const staff = await createUser(t.app, 'staff');
    const host = `127.0.0.${nextHost++}`;
    for (let i = 0; i < 5; i += 1) {
      await t.app.get(DataSource).query('INSERT INTO login_attempt (email, ip, succeeded) VALUES ($1, $2, false)', [staff.email, host]);
    }
    expectLocked(await new HttpClient(t.baseUrl, { from: host }).login(staff.email, TEST_PASSWORD), PAIR_LOCKED);
    expect((await computer().login(staff.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("another computer's wrong passwords do not lock the user out of their own computer", async () => {
    const lead = await createUser(t.app, 'lead');
    const stranger = computer();
    await failFiveTimes(stranger, lead.email);
    expectLocked(await stranger.login(lead.email, TEST_PASSWORD), PAIR_LOCKED);

    const own = computer();
    const login = await own.login(lead.email, TEST_PASSWORD);
    expect(login.status).toBe(303);
    expect((await own.get('/')).text).toContain(`Hej ${lead.name}`);
  });

  it('locks the same e-mail on the same computer after five, says when to try again, and opens after 15 minutes', async () => {
    const staff = await createUser(t.app, 'staff');
    const client = computer();
    await failFiveTimes(client, staff.email);
    const locked = await client.login(staff.email, TEST_PASSWORD);
    expectLocked(locked, `${PAIR_LOCKED} Försök igen om 15 minuter. Har du glömt lösenordet? Administratören i ditt projekt ger dig ett nytt, och det gäller direkt.`);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(locked.text).toContain(`value="${staff.email}"`);
    expect(client.hasCookie('avv_sid')).toBe(false);

    // Waiting lifts it, trying while locked does not push it further away.
    minutes(14);
    expectLocked(await client.login(staff.email, TEST_PASSWORD), 'Försök igen om 1 minut.');
    minutes(1);
    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('says the same about an address that has no account', async () => {
    const client = computer();
    await failFiveTimes(client, 'finns-inte@test.mia.se');
    const locked = await client.login('finns-inte@test.mia.se', TEST_PASSWORD);
    expectLocked(locked, `${PAIR_LOCKED} Försök igen om 15 minuter.`);
  });

  it('lets no more than five wrong passwords through when they are sent at the same time', async () => {
    const staff = await createUser(t.app, 'staff');
    const client = computer();
    await client.get('/logga-in');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.postForm('/logga-in', { email: staff.email, password: `samtidig-gissning-${i}` })),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    // Requests held back while others were in flight do not count; one at a time, five in all get through.
    let wrong = statuses.filter((status) => status === 401).length;
    expect(wrong).toBeLessThanOrEqual(5);
    for (let i = 0; wrong < 5 && i < 5; i += 1) {
      const more = await client.login(staff.email, `en-i-taget-${i}`);
      expect(more.status).toBe(401);
      wrong += 1;
    }
    expect(wrong).toBe(5);
    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(429);
    expect((await computer().login(staff.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('a successful sign-in clears that computer’s earlier failures for the address', async () => {
    const analyst = await createUser(t.app, 'analyst');
    const client = computer();
    for (let i = 0; i < 4; i += 1) expect((await client.login(analyst.email, `skrivfel-${i}`)).status).toBe(401);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    await client.postForm('/logga-ut', {});
    // Five more are allowed before the lock, as if the first four never happened.
    await failFiveTimes(client, analyst.email);
    expectLocked(await client.login(analyst.email, TEST_PASSWORD), PAIR_LOCKED);
  });

  it('a new password from the administrator lifts the locks on the address at once', async () => {
    const staff = await createUser(t.app, 'staff');
    const admin = await createUser(t.app, 'admin');
    const locked = computer();
    await failFiveTimes(locked, staff.email);
    expectLocked(await locked.login(staff.email, TEST_PASSWORD), PAIR_LOCKED);

    const adminClient = computer();
    expect((await adminClient.login(admin.email, TEST_PASSWORD)).status).toBe(303);
    expect((await adminClient.api('PATCH', `/api/users/${staff.id}`, { password: 'ett nytt lösenord från admin' })).status).toBe(200);
    expect((await locked.login(staff.email, 'ett nytt lösenord från admin')).status).toBe(303);
  });

  it('stops one computer guessing at many addresses: after 30 failures it is locked for every address', async () => {
    const lead = await createUser(t.app, 'lead');
    const guesser = computer();
    for (let i = 0; i < 30; i += 1) {
      expect((await guesser.login(`gissning-${i}@test.mia.se`, 'sommar2026')).status).toBe(401);
    }
    const locked = await guesser.login(lead.email, TEST_PASSWORD);
    expectLocked(locked, `${CLIENT_LOCKED} Försök igen om 15 minuter.`);
    expect((await computer().login(lead.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('locks an address from everywhere after 50 failures from many computers together, not before', async () => {
    const lead: User = await createUser(t.app, 'lead');
    const guessers = Array.from({ length: 10 }, () => computer());
    for (const guesser of guessers.slice(0, 9)) await failFiveTimes(guesser, lead.email);
    for (let i = 0; i < 4; i += 1) expect((await guessers[9].login(lead.email, `fel-${i}`)).status).toBe(401);
    // 49 failures: the real user still gets in from their own computer.
    const own = computer();
    expect((await own.login(lead.email, TEST_PASSWORD)).status).toBe(303);

    expect((await guessers[9].login(lead.email, 'fel-sista')).status).toBe(401);
    const locked = await computer().login(lead.email, TEST_PASSWORD);
    expectLocked(locked, `${ACCOUNT_LOCKED} Försök igen om 15 minuter. Säg till administratören i ditt projekt om det händer igen.`);
    // The session already open is not touched.
    expect((await own.get('/')).status).toBe(200);
    minutes(15);
    expect((await computer().login(lead.email, TEST_PASSWORD)).status).toBe(303);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
    const staff = await createUser(t.app, 'staff');
    const host = `127.0.0.${nextHost++}`;
    // A client writing a new address into the header each time is still one computer.
    for (let i = 0; i < 5; i += 1) {
      const spoofing = new HttpClient(t.baseUrl, { from: host, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      expect((await spoofing.login(staff.email, `fel-${i}`)).status).toBe(401);
    }
    const next = new HttpClient(t.baseUrl, { from: host, headers: { 'x-forwarded-for': '203.0.113.99' } });
    expectLocked(await next.login(staff.email, TEST_PASSWORD), PAIR_LOCKED);
  });

  it('behind a proxy named in TRUST_PROXY, counts each client by the address the proxy forwards', async () => {
    const behindProxy = await startTestApp({ db: t.db, clock, env: { TRUST_PROXY: '127.0.0.1' }, configure: cheapHashes });
    try {
      const staff = await createUser(t.app, 'staff');
      const viaProxy = (client: string): HttpClient => new HttpClient(behindProxy.baseUrl, { headers: { 'x-forwarded-for': client } });
      const stranger = viaProxy('203.0.113.50');
      await failFiveTimes(stranger, staff.email);
      expectLocked(await stranger.login(staff.email, TEST_PASSWORD), PAIR_LOCKED);
      expect((await viaProxy('203.0.113.51').login(staff.email, TEST_PASSWORD)).status).toBe(303);

      // Only the named proxy is believed: another machine connecting directly is counted as itself.
      const host = `127.0.0.${nextHost++}`;
      for (let i = 0; i < 5; i += 1) {
        const direct = new HttpClient(behindProxy.baseUrl, { from: host, headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
        expect((await direct.login(staff.email, `fel-${i}`)).status).toBe(401);
      }
      const direct = new HttpClient(behindProxy.baseUrl, { from: host, headers: { 'x-forwarded-for': '198.51.100.99' } });
      expectLocked(await direct.login(staff.email, TEST_PASSWORD), PAIR_LOCKED);
    } finally {
      await behindProxy.close();
    }
  });
});
