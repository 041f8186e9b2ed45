import { DataSource } from 'typeorm';
import { createApiToken, createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/** Inputs found by sweeping every endpoint with hostile but plausible values; each once answered 500. */
describe('hostile input through the HTTP stack', () => {
  let t: TestApp;
  let staffToken: string;
  let adminToken: string;
  let municipalityId: string;

  beforeAll(async () => {
    t = await startTestApp();
    staffToken = await createApiToken(t.app, await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' }));
    adminToken = await createApiToken(t.app, await createUser(t.app, 'admin'));
    municipalityId = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Haninge'`))[0].id;
  });
  afterAll(() => t.close(), 60_000);

  const api = (method: string, path: string, token: string, body: string): Promise<Response> =>
    fetch(`${t.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

  it('a lone UTF-16 surrogate (valid JSON, not valid Unicode) is replaced, not a 500, and filing keeps working', async () => {
    const report = {
      municipalityId,
      occurredOn: '2026-01-10',
      category: 'gransnitt',
      parties: ['AF', 'FK'],
      title: 'Rubrik med trasigt tecken',
      description: 'AF och FK hänvisar till varandra och ingen tar nästa steg.',
      consequence: 'Deltagaren blev utan stöd.',
      severity: 'medel',
    };
    const withLoneSurrogate = JSON.stringify({ ...report, title: 'Rubrik med trasigt \ud800 tecken' });
    const broken = await api('POST', '/api/deviations', staffToken, withLoneSurrogate);
    expect(broken.status).toBe(201);
    const created = (await broken.json()) as { id: string };
    const [{ title }] = await t.app.get(DataSource).query(`SELECT title FROM deviation WHERE id = $1`, [created.id]);
    expect(title).toBe('Rubrik med trasigt \uFFFD tecken');

    const fine = await api('POST', '/api/deviations', staffToken, JSON.stringify({ ...report, title: 'Helt vanlig rubrik' }));
    expect(fine.status).toBe(201);
  });

  it('a lone surrogate in a new user\'s e-mail address is a Swedish 400, not a 500', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800, as any client would.
    const body = JSON.stringify({ email: 'anna\ud800@kommun.se', name: 'Anna Berg', role: 'analyst', password: 'ett-langt-losenord' });
    const response = await api('POST', '/api/users', adminToken, body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('Skriv en giltig e-postadress');
  });
});

describe('updating a user with null fields', () => {
  let t: TestApp;
  let adminToken: string;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await createApiToken(t.app, await createUser(t.app, 'admin'));
    userId = (await createUser(t.app, 'staff')).id;
  });
  afterAll(() => t.close(), 60_000);

  it.each(['active', 'name', 'role', 'password'])('%s: null is a Swedish 400 naming the field, and the user is unchanged', async (field) => {
    const response = await fetch(`${t.baseUrl}/api/users/${userId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ [field]: null }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; fields: Array<{ field: string; message: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect([...new Set(body.error.fields.map((problem) => problem.field))]).toEqual([field]);
    const [user] = await t.app.get(DataSource).query(`SELECT active, role FROM app_user WHERE id = $1`, [userId]);
    expect(user).toEqual({ active: true, role: 'staff' });
  });
});
