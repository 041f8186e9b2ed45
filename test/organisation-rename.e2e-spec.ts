import { municipalityId, OrganisationTree, signInNewAdmin } from './support/admin-session';
import { createApiToken, createUser, subprojectId } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('renaming a förbund, a delprojekt or a kommun', () => {
  let t: TestApp;
  let admin: HttpClient;
  let token: string;
  const tree = async (): Promise<OrganisationTree> => (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, token } = await signInNewAdmin(t));
  });
  afterAll(() => t.close());

  it('an admin corrects a name on the organisation page; a taken or empty name comes back at the field with what was typed', async () => {
    const page = await admin.get('/admin/organisation');
    const hbs = (await tree()).federations.find((f) => f.name === 'Samordningsförbundet HBS');
    expect(hbs).toBeDefined();
    expect(page.text).toContain(`action="/admin/organisation/forbund/${hbs?.id}/namn"`);
    expect(page.text).toContain('Nytt namn på förbundet Samordningsförbundet HBS');

    const renamed = await admin.postForm(`/admin/organisation/forbund/${hbs?.id}/namn`, { name: '  Samordningsförbundet Huddinge Botkyrka Salem ' });
    expect(renamed.status).toBe(303);
    expect(renamed.location).toBe(`/admin/organisation?klart=namn&enhet=forbund&id=${hbs?.id}`);
    expect((await admin.get(renamed.location ?? '')).text).toContain('Namnet är ändrat: förbundet heter nu Samordningsförbundet Huddinge Botkyrka Salem.');
    expect((await tree()).federations.map((f) => f.name)).toContain('Samordningsförbundet Huddinge Botkyrka Salem');

    const stockholm = await subprojectId(t.app, 'MIA Stockholm');
    await admin.get('/admin/organisation');
    const taken = await admin.postForm(`/admin/organisation/delprojekt/${stockholm}/namn`, { name: 'MIA HBS' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('Det finns redan ett delprojekt som heter MIA HBS.');
    expect(taken.text).toContain(`id="namn-${stockholm}" name="name" type="text" maxlength="120" required autocomplete="off" value="MIA HBS"`);
    const empty = await admin.postForm(`/admin/organisation/delprojekt/${stockholm}/namn`, { name: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Namnet måste vara minst 2 tecken.');
    const tooLong = await admin.postForm(`/admin/organisation/delprojekt/${stockholm}/namn`, { name: 'M'.repeat(121) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Namnet får vara högst 120 tecken.');
    expect(await subprojectId(t.app, 'MIA Stockholm')).toBe(stockholm);

    expect((await admin.postForm(`/admin/organisation/delprojekt/${stockholm}/namn`, { name: 'MIA Stockholms stad' })).status).toBe(303);
    expect(await subprojectId(t.app, 'MIA Stockholms stad')).toBe(stockholm);
  });

  it('a renamed kommun keeps its reports; imports find it by the new name only', async () => {
    const staff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    const staffToken = await createApiToken(t.app, staff);
    const tyreso = municipalityId(await tree(), 'Tyresö');
    const filed = await new HttpClient(t.baseUrl).api(
      'POST',
      '/api/deviations',
      {
        municipalityId: tyreso,
        occurredOn: '2026-01-12',
        category: 'gransnitt',
        parties: ['AF', 'FK'],
        title: 'Ingen bedömer arbetsförmågan',
        description: 'AF och FK hänvisar till varandra om vem som ska bedöma arbetsförmågan.',
        consequence: 'Deltagaren fick vänta.',
        severity: 'medel',
      },
      staffToken,
    );
    expect(filed.status).toBe(201);
    const deviationId = filed.json<{ id: string }>().id;

    await admin.get('/admin/organisation');
    expect((await admin.postForm(`/admin/organisation/kommuner/${tyreso}/namn`, { name: 'Tyresö kommun' })).status).toBe(303);
    expect(municipalityId(await tree(), 'Tyresö kommun')).toBe(tyreso);
    const deviation = (await new HttpClient(t.baseUrl).api('GET', `/api/deviations/${deviationId}`, undefined, staffToken)).json<{ deviation: { municipality: { id: string; name: string } } }>();
    expect(deviation.deviation.municipality).toEqual({ id: tyreso, name: 'Tyresö kommun' });

    const row = (externalId: string, kommun: string): string =>
      JSON.stringify({ externalId, kommun, occurredOn: '2025-11-03', category: 'ovrigt', parties: ['AF'], title: 'Möte ställdes in', description: 'AF ställde in mötet utan att boka ett nytt.', severity: 'lag' });
    const analystToken = await createApiToken(t.app, await createUser(t.app, 'analyst'));
    const imported = await new HttpClient(t.baseUrl).request('POST', '/api/deviations/import?format=jsonl', {
      body: `${row('R-NEW', 'Tyresö kommun')}\n${row('R-OLD', 'Tyresö')}\n`,
      headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'application/x-ndjson' },
    });
    expect(imported.status).toBe(200);
    const summary = imported.json<{ created: number; rejected: Array<{ line: number; reason: string }> }>();
    expect(summary.created).toBe(1);
    expect(summary.rejected.map((r) => r.line)).toEqual([2]);
  });

  it('the same through the API: PATCH with a name, the same 409 for a taken one', async () => {
    const api = new HttpClient(t.baseUrl);
    const roslagen = await subprojectId(t.app, 'MIA Roslagen');
    const federation = (await tree()).federations.find((f) => f.subprojects.some((s) => s.id === roslagen));
    const renamedFederation = await api.api('PATCH', `/api/federations/${federation?.id}`, { name: 'Samordningsförbundet Roslagen' }, token);
    expect(renamedFederation.status).toBe(200);
    expect(renamedFederation.json<{ name: string }>().name).toBe('Samordningsförbundet Roslagen');

    const renamed = await api.api('PATCH', `/api/subprojects/${roslagen}`, { name: ' MIA Täby Österåker ' }, token);
    expect(renamed.status).toBe(200);
    expect(renamed.json<{ id: string; name: string }>()).toMatchObject({ id: roslagen, name: 'MIA Täby Österåker' });

    const taby = municipalityId(await tree(), 'Täby');
    const taken = await api.api('PATCH', `/api/municipalities/${taby}`, { name: 'Haninge' }, token);
    expect(taken.status).toBe(409);
    expect(taken.json<{ error: { message: string; fields: Array<{ field: string; message: string }> } }>().error).toMatchObject({
      message: 'Det finns redan en kommun som heter Haninge.',
      fields: [{ field: 'name', message: 'Det finns redan en kommun som heter Haninge.' }],
    });
    const caseOnly = await api.api('PATCH', `/api/municipalities/${taby}`, { name: 'TÄBY' }, token);
    expect(caseOnly.status).toBe(200);
    expect(caseOnly.json<{ name: string; subprojectId: string; movedDeviations?: number }>()).toEqual(expect.objectContaining({ name: 'TÄBY', subprojectId: roslagen }));
    expect(caseOnly.json<{ movedDeviations?: number }>().movedDeviations).toBeUndefined();
    const nothing = await api.api('PATCH', `/api/municipalities/${taby}`, {}, token);
    expect(nothing.status).toBe(400);
    const missing = await api.api('PATCH', '/api/subprojects/6f1c1f5e-0000-4000-8000-000000000000', { name: 'MIA Ingenstans' }, token);
    expect(missing.status).toBe(404);
    const staffToken = await createApiToken(t.app, await createUser(t.app, 'lead', { subproject: 'MIA HBS' }));
    expect((await api.api('PATCH', `/api/subprojects/${roslagen}`, { name: 'MIA Kaos' }, staffToken)).status).toBe(403);
  });
});
