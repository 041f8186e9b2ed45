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
