import { DEMO_ACCOUNTS } from '../src/modules/user/demo-seeder';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('sign-in, roles and deny-by-default over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['staff', 'lead', 'analyst', 'admin'] as const)('a %s signs in with the form and sees their start page', async (role) => {
    const user = await createUser(t.app, role);
    const client = new HttpClient(t.baseUrl);
    const login = await client.login(user.email, TEST_PASSWORD);
    expect(login.status).toBe(303);
    expect(login.location).toBe('/');
    expect(client.hasCookie('avv_sid')).toBe(true);

    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('lang="sv"');
    expect(home.text).toContain(`Hej ${user.name}`);
    if (role === 'staff' || role === 'lead') expect(home.text).toContain('Ditt delprojekt: MIA Östra Södertörn');
    if (role === 'admin') expect(home.text).toContain('href="/admin/anvandare"');

    const me = await client.api('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.json<{ role: string; email: string }>()).toMatchObject({ role, email: user.email });
  });

  it('a wrong password gives a Swedish message and keeps the e-mail typed', async () => {
    const user = await createUser(t.app, 'staff');
    const client = new HttpClient(t.baseUrl);
    const result = await client.login(user.email, 'fel-losenord-123');
    expect(result.status).toBe(401);
    expect(result.text).toContain('Fel e-postadress eller lösenord.');
    expect(result.text).toContain(`value="${user.email}"`);
    expect(client.hasCookie('avv_sid')).toBe(false);
  });

  it('an empty form comes back with a message at each field', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.get('/logga-in');
    const result = await client.postForm('/logga-in', { email: '', password: '' });
    expect(result.status).toBe(400);
    expect(result.text).toContain('id="fel-email"');
    expect(result.text).toContain('Skriv din e-postadress.');
    expect(result.text).toContain('Skriv ditt lösenord.');
  });

  it('locks sign-in after five failures for the same e-mail from the same computer', async () => {
    const user = await createUser(t.app, 'lead');
    const client = new HttpClient(t.baseUrl);
    for (let i = 0; i < 5; i++) expect((await client.login(user.email, `fel-${i}-losenord`)).status).toBe(401);
    const locked = await client.login(user.email, TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('För många misslyckade inloggningar');
  });

  it('staff get 403 on lead and admin routes, pages and API alike', async () => {
    const staff = await createUser(t.app, 'staff');
    const client = new HttpClient(t.baseUrl);
    await client.login(staff.email, TEST_PASSWORD);
    for (const path of ['/admin/anvandare', '/admin/organisation']) {
      const page = await client.get(path);
      expect(page.status).toBe(403);
      expect(page.text).toContain('Ingen behörighet');
    }
    expect((await client.api('GET', '/api/users')).status).toBe(403);
    const token = await createApiToken(t.app, staff);
    const viaToken = await client.api('POST', '/api/municipalities', { name: 'Vaxholm', subprojectId: '00000000-0000-0000-0000-000000000000' }, token);
    expect(viaToken.status).toBe(403);
    expect(viaToken.json<{ error: { code: string } }>().error.code).toBe('forbidden');
  });

  it('a lead gets 403 on admin routes', async () => {
    const lead = await createUser(t.app, 'lead');
    const token = await createApiToken(t.app, lead);
    const client = new HttpClient(t.baseUrl);
    expect((await client.api('GET', '/api/users', undefined, token)).status).toBe(403);
    await client.login(lead.email, TEST_PASSWORD);
    expect((await client.get('/admin/anvandare')).status).toBe(403);
  });

  it('sends anonymous page visits to sign-in and answers anonymous API calls with 401', async () => {
    const client = new HttpClient(t.baseUrl);
    const page = await client.get('/admin/anvandare');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/logga-in?nasta=%2Fadmin%2Fanvandare');
    const api = await client.api('GET', '/api/organisation');
    expect(api.status).toBe(401);
    expect(api.json()).toEqual({ error: { code: 'unauthenticated', message: 'Du behöver logga in.' } });
    const badToken = await client.api('GET', '/api/me', undefined, 'avv_inte-en-riktig-nyckel');
    expect(badToken.status).toBe(401);
  });

  it('refuses a form posted without or with a wrong CSRF token', async () => {
    const admin = await createUser(t.app, 'admin');
    const client = new HttpClient(t.baseUrl);
    await client.get('/logga-in');
    const noTokenLogin = await client.postForm('/logga-in', { email: admin.email, password: TEST_PASSWORD }, { csrf: null });
    expect(noTokenLogin.status).toBe(403);
    expect(noTokenLogin.text).toContain('Ladda om sidan');
    expect(client.hasCookie('avv_sid')).toBe(false);

    await client.login(admin.email, TEST_PASSWORD);
    await client.get('/admin/organisation');
    const forged = await client.postForm('/admin/organisation/forbund', { name: 'Förfalskat förbund' }, { csrf: 'forfalskad' });
    expect(forged.status).toBe(403);
    const missing = await client.postForm('/admin/organisation/forbund', { name: 'Förfalskat förbund' }, { csrf: null });
    expect(missing.status).toBe(403);
    const tree = await client.api('GET', '/api/organisation');
    expect(tree.text).not.toContain('Förfalskat förbund');
    // A JSON call on the session cookie also needs the token.
    const jsonNoHeader = await client.request('POST', '/api/federations', {
      body: JSON.stringify({ name: 'Utan token' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(jsonNoHeader.status).toBe(403);
    // A made-up bearer header beside the session cookie does not skip the check: it is refused as a bearer call.
    const fakeBearer = await client.request('POST', '/api/federations', {
      body: JSON.stringify({ name: 'Med falsk nyckel' }),
      headers: { 'content-type': 'application/json', authorization: 'Bearer avv_pahittad' },
    });
    expect(fakeBearer.status).toBe(401);
    expect((await client.api('GET', '/api/organisation')).text).not.toContain('Med falsk nyckel');
  });

  it('gives API calls with a bearer token no CSRF cookie (they need none)', async () => {
    const admin = await createUser(t.app, 'admin');
    const token = await createApiToken(t.app, admin);
    const response = await fetch(`${t.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    const browser = await fetch(`${t.baseUrl}/logga-in`);
    expect(browser.headers.getSetCookie().some((cookie) => cookie.startsWith('avv_csrf='))).toBe(true);
  });

  it('signing out ends the session', async () => {
    const staff = await createUser(t.app, 'staff');
    const client = new HttpClient(t.baseUrl);
    await client.login(staff.email, TEST_PASSWORD);
    const cookieClient = client;
    expect((await cookieClient.get('/')).status).toBe(200);
    const out = await cookieClient.postForm('/logga-ut', {});
    expect(out.status).toBe(303);
    expect((await cookieClient.get('/')).status).toBe(303);
    // The login page the browser lands on says so; an ordinary visit to it does not.
    expect(out.location).toBe('/logga-in?utloggad=1');
    expect((await cookieClient.get(out.location as string)).text).toContain('<p class="notice" role="status">Du är utloggad.</p>');
    expect((await cookieClient.get('/logga-in')).text).not.toContain('Du är utloggad.');
  });

  it('sends security headers', async () => {
    const page = await new HttpClient(t.baseUrl).get('/logga-in');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('set-cookie') ?? '').toMatch(/HttpOnly/i);
  });

  it('bearer tokens: created, listed, used and revoked', async () => {
    const analyst = await createUser(t.app, 'analyst');
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const created = await client.api('POST', '/api/tokens', { name: 'Integration' });
    expect(created.status).toBe(201);
    const { token, id } = created.json<{ token: string; id: string }>();
    const anonymous = new HttpClient(t.baseUrl);
    expect((await anonymous.api('GET', '/api/me', undefined, token)).json()).toMatchObject({ email: analyst.email });
    const listed = await anonymous.api('GET', '/api/tokens', undefined, token);
    expect(listed.text).not.toContain(token);
    expect(listed.json<Array<{ id: string }>>().map((x) => x.id)).toContain(id);
    expect((await anonymous.api('DELETE', `/api/tokens/${id}`, undefined, token)).status).toBe(204);
    expect((await anonymous.api('GET', '/api/me', undefined, token)).status).toBe(401);
  });

  it('answers malformed JSON and wrong shapes with a Swedish 400, never 500', async () => {
    const admin = await createUser(t.app, 'admin');
    const token = await createApiToken(t.app, admin);
    const client = new HttpClient(t.baseUrl);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (const body of ['{"name":', '[1,2]', '"text"', 'null', '{"name": 5}', '{"name":"x","extra":1}']) {
      const result = await client.request('POST', '/api/federations', { body, headers });
      expect(result.status).toBe(400);
      expect(result.json<{ error: { message: string } }>().error.message).toMatch(/[åäö]|Begäran|Fältet/);
    }
    const unknownField = await client.request('POST', '/api/federations', { body: '{"name":"Ett förbund","extra":1}', headers });
    expect(unknownField.json<{ error: { fields: Array<{ message: string }> } }>().error.fields[0].message).toBe('Fältet "extra" är okänt. Ta bort det.');
    const notFound = await client.api('GET', '/api/finns-inte', undefined, token);
    expect(notFound.status).toBe(404);
    expect(notFound.json<{ error: { message: string } }>().error.message).toBe('Sidan eller uppgiften finns inte. Kontrollera adressen.');
  });

  it('serves health and OpenAPI without sign-in', async () => {
    const client = new HttpClient(t.baseUrl);
    const health = await client.get('/health');
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
    const docs = await client.get('/api/docs');
    expect(docs.status).toBe(200);
    const spec = await client.get('/api/docs-json');
    expect(spec.json<{ paths: Record<string, unknown> }>().paths).toHaveProperty('/api/organisation');
  });

  it('demo accounts cover every role', () => {
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.role))).toEqual(new Set(['staff', 'lead', 'analyst', 'admin']));
  });
});
