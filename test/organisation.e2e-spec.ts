import { DataSource } from 'typeorm';
import { findMunicipality, OrganisationTree, signInNewAdmin } from './support/admin-session';
import { createApiToken, createUser, subprojectId } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('organisation as data, administered from pages and API', () => {
  let t: TestApp;
  let admin: HttpClient;
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin } = await signInNewAdmin(t));
  });
  afterAll(() => t.close());

  it('is seeded with the six delprojekt and twelve kommuner of MIA', async () => {
    const tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    const subprojects = tree.federations.flatMap((f) => f.subprojects);
    expect(subprojects.map((s) => s.name).sort()).toEqual(
      ['MIA HBS', 'MIA Järfälla', 'MIA Roslagen', 'MIA Stockholm', 'MIA Södertälje', 'MIA Östra Södertörn'].sort(),
    );
    expect(subprojects.flatMap((s) => s.municipalities)).toHaveLength(12);
    expect(findMunicipality(tree, 'Salem')?.subproject).toBe('MIA HBS');
  });

  it('an admin adds a förbund, a delprojekt and a kommun through the pages, and moves a kommun', async () => {
    const page = await admin.get('/admin/organisation');
    expect(page.status).toBe(200);
    expect(page.text).toContain('MIA Östra Södertörn');

    const added = await admin.postForm('/admin/organisation/forbund', { name: 'Samordningsförbundet Norrtälje' });
    let tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    const federation = tree.federations.find((f) => f.name === 'Samordningsförbundet Norrtälje');
    expect(federation).toBeDefined();
    expect(added.location).toBe(`/admin/organisation?klart=ny&enhet=forbund&id=${federation?.id}`);
    expect((await admin.get(added.location ?? '')).text).toContain('Förbundet Samordningsförbundet Norrtälje är tillagt.');

    await admin.get('/admin/organisation');
    expect((await admin.postForm('/admin/organisation/delprojekt', { name: 'MIA Norrtälje', federationId: federation?.id ?? '' })).status).toBe(303);
    const norrtalje = await subprojectId(t.app, 'MIA Norrtälje');
    expect((await admin.postForm('/admin/organisation/kommuner', { name: 'Norrtälje', subprojectId: norrtalje })).status).toBe(303);

    tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    expect(findMunicipality(tree, 'Norrtälje')?.subproject).toBe('MIA Norrtälje');

    const vallentuna = findMunicipality(tree, 'Täby');
    // The first send asks; nothing moves until it is confirmed.
    const asked = await admin.postForm(`/admin/organisation/kommuner/${vallentuna?.id}/flytta`, { subprojectId: norrtalje });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Flytta Täby till MIA Norrtälje?');
    tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    expect(findMunicipality(tree, 'Täby')?.subproject).toBe('MIA Roslagen');
    const confirmed = await admin.postForm(`/admin/organisation/kommuner/${vallentuna?.id}/flytta`, { subprojectId: norrtalje, confirmed: '1', openDeviations: 'stay' });
    expect(confirmed.status).toBe(303);
    tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    expect(findMunicipality(tree, 'Täby')?.subproject).toBe('MIA Norrtälje');
  });

  it('a form with errors comes back with what was typed and a message at the field', async () => {
    await admin.get('/admin/organisation');
    const empty = await admin.postForm('/admin/organisation/kommuner', { name: 'Vaxholm', subprojectId: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Välj ett delprojekt.');
    expect(empty.text).toContain('value="Vaxholm"');
    const duplicate = await admin.postForm('/admin/organisation/forbund', { name: 'Samordningsförbundet HBS' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.text).toContain('Det finns redan ett förbund som heter Samordningsförbundet HBS.');
  });

  it('the same through the API with a bearer token', async () => {
    const user = await createUser(t.app, 'admin');
    const token = await createApiToken(t.app, user);
    const api = new HttpClient(t.baseUrl);
    const stockholm = await subprojectId(t.app, 'MIA Stockholm');
    const created = await api.api('POST', '/api/municipalities', { name: 'Solna', subprojectId: stockholm }, token);
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    const hbs = await subprojectId(t.app, 'MIA HBS');
    const moved = await api.api('PATCH', `/api/municipalities/${id}`, { subprojectId: hbs }, token);
    expect(moved.status).toBe(200);
    expect(moved.json<{ subprojectId: string }>().subprojectId).toBe(hbs);
    const missing = await api.api('PATCH', `/api/municipalities/${id}`, { subprojectId: '6f1c1f5e-0000-4000-8000-000000000000' }, token);
    expect(missing.status).toBe(404);
    expect(missing.json<{ error: { message: string } }>().error.message).toBe('Delprojektet hittades inte.');
  });

  it('moving a kommun asks first, says how many open reports it has, and moves them along when told to', async () => {
    const db = t.app.get(DataSource);
    const staff = await createUser(t.app, 'staff', { subproject: 'MIA Södertälje' });
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Södertälje' });
    const staffToken = await createApiToken(t.app, staff);
    const tree = (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
    const nykvarn = findMunicipality(tree, 'Nykvarn');
    const file = async (title: string): Promise<string> => {
      const response = await new HttpClient(t.baseUrl).api(
        'POST',
        '/api/deviations',
        {
          municipalityId: nykvarn?.id,
          occurredOn: '2026-01-12',
          category: 'gransnitt',
          parties: ['AF', 'FK'],
          title,
          description: 'AF och FK hänvisar till varandra om vem som ska bedöma arbetsförmågan.',
          consequence: 'Deltagaren fick vänta.',
          severity: 'medel',
        },
        staffToken,
      );
      expect(response.status).toBe(201);
      return response.json<{ id: string }>().id;
    };
    const open = await file('Öppen avvikelse i Nykvarn');
    const assigned = await file('Tilldelad avvikelse i Nykvarn');
    const closed = await file('Avslutad avvikelse i Nykvarn');
    await db.query(`UPDATE deviation SET assignee_id = $2 WHERE id = $1`, [assigned, lead.id]);
    await db.query(`UPDATE deviation SET status = 'avslutad', resolution = 'Löst.', closed_at = now() WHERE id = $1`, [closed]);
    const hbs = await subprojectId(t.app, 'MIA HBS');

    await admin.get('/admin/organisation');
    const asked = await admin.postForm(`/admin/organisation/kommuner/${nykvarn?.id}/flytta`, { subprojectId: hbs });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Flytta Nykvarn till MIA HBS?');
    expect(asked.text).toContain('2 öppna avvikelser från Nykvarn ägs nu av MIA Södertälje');
    expect(asked.text).toContain('href="/admin/organisation">Avbryt</a>');
    const owners = async (): Promise<Record<string, string>> =>
      Object.fromEntries(
        ((await db.query(`SELECT d.id, s.name FROM deviation d JOIN subproject s ON s.id = d.subproject_id WHERE d.id = ANY($1::uuid[])`, [[open, assigned, closed]])) as Array<{
          id: string;
          name: string;
        }>).map((row) => [row.id, row.name]),
      );
    expect(await owners()).toEqual({ [open]: 'MIA Södertälje', [assigned]: 'MIA Södertälje', [closed]: 'MIA Södertälje' });

    const moved = await admin.postForm(`/admin/organisation/kommuner/${nykvarn?.id}/flytta`, { subprojectId: hbs, confirmed: '1', openDeviations: 'follow' });
    expect(moved.status).toBe(303);
    expect(await owners()).toEqual({ [open]: 'MIA HBS', [assigned]: 'MIA HBS', [closed]: 'MIA Södertälje' });
    const [{ assignee_id: assigneeAfter }] = await db.query(`SELECT assignee_id FROM deviation WHERE id = $1`, [assigned]);
    expect(assigneeAfter).toBeNull();
    const events = (await db.query(`SELECT deviation_id, before->>'subprojectName' AS "from", after->>'subprojectName' AS "to" FROM deviation_event WHERE kind = 'moved' AND deviation_id = ANY($1::uuid[]) ORDER BY deviation_id`, [
      [open, assigned, closed],
    ])) as Array<{ deviation_id: string; from: string; to: string }>;
    expect(events.map(({ from, to }) => [from, to])).toEqual([
      ['MIA Södertälje', 'MIA HBS'],
      ['MIA Södertälje', 'MIA HBS'],
    ]);

    // Back through the API: by default the open reports stay, and the answer says how many.
    const token = await createApiToken(t.app, await createUser(t.app, 'admin'));
    const sodertalje = await subprojectId(t.app, 'MIA Södertälje');
    const back = await new HttpClient(t.baseUrl).api('PATCH', `/api/municipalities/${nykvarn?.id}`, { subprojectId: sodertalje }, token);
    expect(back.status).toBe(200);
    expect(back.json<{ movedDeviations: number; stayedDeviations: number }>()).toMatchObject({ movedDeviations: 0, stayedDeviations: 2 });
    expect(await owners()).toEqual({ [open]: 'MIA HBS', [assigned]: 'MIA HBS', [closed]: 'MIA Södertälje' });
    const again = await new HttpClient(t.baseUrl).api('PATCH', `/api/municipalities/${nykvarn?.id}`, { subprojectId: sodertalje }, token);
    expect(again.status).toBe(422);
    expect(again.json<{ error: { message: string } }>().error.message).toBe('Nykvarn hör redan till MIA Södertälje. Välj ett annat delprojekt.');
  });

  it('an admin manages users: create with a delprojekt, change role, deactivate', async () => {
    await admin.get('/admin/anvandare');
    const noSubproject = await admin.postForm('/admin/anvandare', {
      name: 'Nils Ny',
      email: 'nils.ny@test.mia.se',
      role: 'staff',
      subprojectId: '',
      password: 'ett-langt-losenord',
    });
    expect(noSubproject.status).toBe(400);
    expect(noSubproject.text).toContain('Medarbetare och delprojektledare måste höra till ett delprojekt');
    expect(noSubproject.text).toContain('value="nils.ny@test.mia.se"');

    const hbs = await subprojectId(t.app, 'MIA HBS');
    const created = await admin.postForm('/admin/anvandare', {
      name: 'Nils Ny',
      email: 'Nils.Ny@test.mia.se',
      role: 'staff',
      subprojectId: hbs,
      password: 'ett-langt-losenord',
    });
    expect(created.status).toBe(303);
    const nils = new HttpClient(t.baseUrl);
    expect((await nils.login('nils.ny@test.mia.se', 'ett-langt-losenord')).status).toBe(303);
    expect((await nils.get('/')).text).toContain('Ditt delprojekt: MIA HBS');

    const users = (await admin.api('GET', '/api/users')).json<Array<{ id: string; email: string }>>();
    const id = users.find((u) => u.email === 'nils.ny@test.mia.se')?.id ?? '';
    await admin.get(`/admin/anvandare/${id}`);
    const updated = await admin.postForm(`/admin/anvandare/${id}`, { name: 'Nils Ny', role: 'lead', subprojectId: hbs, password: '' });
    expect(updated.status).toBe(303);
    // The checkbox was not ticked: the account is deactivated and its session ends.
    expect((await nils.get('/')).status).toBe(303);
    expect((await nils.login('nils.ny@test.mia.se', 'ett-langt-losenord')).status).toBe(401);
    const after = (await admin.api('GET', '/api/users')).json<Array<{ id: string; role: string; active: boolean }>>().find((u) => u.id === id);
    expect(after).toMatchObject({ role: 'lead', active: false });
  });
});
