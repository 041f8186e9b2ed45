import { DataSource } from 'typeorm';
import { municipalityId, OrganisationTree, signInNewAdmin } from './support/admin-session';
import { deviationBody, fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, subprojectId, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

function summaryOf(html: string): string {
  return /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
}

function occurrences(text: string, phrase: string): number {
  return text.split(phrase).length - 1;
}

/**
 * What the browser review found on Admin → Organisation: refusals far down the page, form addresses that 404 when
 * reloaded, units that could never be removed, and notices that said only "Ändringen är sparad.". Over HTTP on a
 * real Postgres.
 */
describe('Admin → Organisation', () => {
  let t: TestApp;
  let admin: HttpClient;
  let token: string;
  const api = (): HttpClient => new HttpClient(t.baseUrl);
  const tree = async (): Promise<OrganisationTree & { federations: Array<{ active: boolean; subprojects: Array<{ active: boolean; municipalities: Array<{ active: boolean }> }> }> }> =>
    (await admin.api('GET', '/api/organisation')).json();
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, token } = await signInNewAdmin(t));
  });
  afterAll(() => t.close());

  it('a refused rename or move is said in an error summary at the top that links to the unit’s field', async () => {
    const haninge = municipalityId(await tree(), 'Haninge');
    await admin.get('/admin/organisation');
    const renamed = await admin.postForm(`/admin/organisation/kommuner/${haninge}/namn`, { name: 'Tyresö' });
    expect(renamed.status).toBe(409);
    const message = 'Det finns redan en kommun som heter Tyresö.';
    const summary = summaryOf(renamed.text);
    expect(summary).toContain(`<a href="#namn-${haninge}">${message}</a>`);
    expect(summary).toContain('autofocus');
    // At the top, before the first förbund; and the message once there and once at the field.
    expect(renamed.text.indexOf('class="error-summary"')).toBeLessThan(renamed.text.indexOf('<section class="card"'));
    expect(occurrences(renamed.text, message)).toBe(2);
    expect(renamed.text).toContain(`id="namn-${haninge}" name="name" type="text" maxlength="80" required autocomplete="off" value="Tyresö" aria-invalid="true" aria-describedby="fel-namn-${haninge}"`);

    const ostra = await subprojectId(t.app, 'MIA Östra Södertörn');
    const moved = await admin.postForm(`/admin/organisation/kommuner/${haninge}/flytta`, { subprojectId: ostra, confirmed: '1' });
    expect(moved.status).toBe(422);
    const movedSummary = summaryOf(moved.text);
    expect(movedSummary).toContain(`<a href="#flytta-${haninge}">Haninge hör redan till MIA Östra Södertörn. Välj ett annat delprojekt.</a>`);
    expect(moved.text).toContain(`aria-invalid="true" aria-describedby="fel-flytta-${haninge}"`);
  });

  it('each form’s address opened by itself leads (303) to its place on the page, and each place exists', async () => {
    const organisation = await tree();
    const hbsFederation = organisation.federations.find((f) => f.name === 'Samordningsförbundet HBS');
    const hbs = await subprojectId(t.app, 'MIA HBS');
    const salem = municipalityId(organisation, 'Salem');
    const page = (await admin.get('/admin/organisation')).text;
    const addresses: Array<[string, string]> = [
      ['/admin/organisation/forbund', '#nytt-forbund'],
      ['/admin/organisation/delprojekt', '#nytt-delprojekt'],
      ['/admin/organisation/kommuner', '#ny-kommun'],
      [`/admin/organisation/kommuner/${salem}/flytta`, `#kommun-${salem}`],
      [`/admin/organisation/kommuner/${salem}/namn`, `#kommun-${salem}`],
      [`/admin/organisation/kommuner/${salem}/avveckla`, `#kommun-${salem}`],
      [`/admin/organisation/delprojekt/${hbs}/namn`, `#delprojekt-${hbs}`],
      [`/admin/organisation/delprojekt/${hbs}/ateraktivera`, `#delprojekt-${hbs}`],
      [`/admin/organisation/forbund/${hbsFederation?.id}/namn`, `#forbund-${hbsFederation?.id}`],
    ];
    for (const [address, fragment] of addresses) {
      const opened = await admin.get(address);
      expect([address, opened.status, opened.location]).toEqual([address, 303, `/admin/organisation${fragment}`]);
      expect([address, page.includes(`id="${fragment.slice(1)}"`)]).toEqual([address, true]);
    }
    expect((await admin.get(`/admin/organisation/kommuner/${salem}/okand`)).status).toBe(404);
    expect((await admin.get('/admin/organisation/okand')).status).toBe(404);
    expect((await admin.get(`/admin/organisation/delprojekt/${hbs}/flytta`)).status).toBe(404);
    // The user pages' post addresses are pages of their own already.
    expect((await admin.get('/admin/anvandare')).status).toBe(200);
  });

  it('a kommun added by mistake is removed after a confirmation; one with reports is refused, saying why, and can be retired', async () => {
    const stockholm = await subprojectId(t.app, 'MIA Stockholm');
    await admin.get('/admin/organisation');
    const added = await admin.postForm('/admin/organisation/kommuner', { name: 'Vaxholm', subprojectId: stockholm });
    expect(added.status).toBe(303);
    const vaxholm = municipalityId(await tree(), 'Vaxholm');
    expect((await admin.get(added.location ?? '')).text).toContain('Kommunen Vaxholm är tillagd i MIA Stockholm.');

    const page = await admin.get('/admin/organisation');
    expect(page.text).toContain(`href="/admin/organisation/kommuner/${vaxholm}/ta-bort"`);
    const asked = await admin.get(`/admin/organisation/kommuner/${vaxholm}/ta-bort`);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Ta bort Vaxholm?');
    expect(asked.text).toContain('name="confirmed" value="1"');
    // Without the confirmation nothing is removed.
    expect((await admin.postForm(`/admin/organisation/kommuner/${vaxholm}/ta-bort`, {})).status).toBe(200);
    expect(municipalityId(await tree(), 'Vaxholm')).toBe(vaxholm);
    const removed = await admin.postForm(`/admin/organisation/kommuner/${vaxholm}/ta-bort`, { confirmed: '1' });
    expect(removed.status).toBe(303);
    expect((await admin.get(removed.location ?? '')).text).toContain('Kommunen Vaxholm är borttagen.');
    expect(JSON.stringify(await tree())).not.toContain('Vaxholm');

    const staff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    await fileDeviation(t.app, staff, 'Nynäshamn');
    const nynashamn = municipalityId(await tree(), 'Nynäshamn');
    const refusedPage = await admin.get(`/admin/organisation/kommuner/${nynashamn}/ta-bort`);
    expect(refusedPage.text).toContain('Avveckla Nynäshamn?');
    expect(refusedPage.text).toContain('Nynäshamn kan inte tas bort: 1 avvikelse hänvisar till kommunen');
    expect(refusedPage.text).not.toContain('name="confirmed"');
    const refused = await admin.postForm(`/admin/organisation/kommuner/${nynashamn}/ta-bort`, { confirmed: '1' });
    expect(refused.status).toBe(409);
    expect(summaryOf(refused.text)).toContain('Nynäshamn kan inte tas bort: 1 avvikelse hänvisar till kommunen. Avveckla den i stället, så finns den kvar i historiken.');
    const apiRefused = await api().request('DELETE', `/api/municipalities/${nynashamn}`, { headers: { authorization: `Bearer ${token}` } });
    expect(apiRefused.status).toBe(409);
    expect(apiRefused.json<{ error: { code: string } }>().error.code).toBe('unit_in_use');
    expect(municipalityId(await tree(), 'Nynäshamn')).toBe(nynashamn);

    const retired = await admin.postForm(`/admin/organisation/kommuner/${nynashamn}/avveckla`, {});
    expect(retired.status).toBe(303);
    expect((await admin.get(retired.location ?? '')).text).toContain('Kommunen Nynäshamn är avvecklad');
  });

  it('a retired kommun takes no new reports and is left out of the forms for new ones, but stays in history, lists, filters and exports', async () => {
    const staff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    const analyst = await createUser(t.app, 'analyst');
    const filed = await fileDeviation(t.app, staff, 'Tyresö', { title: 'Rapport från Tyresö innan avvecklingen' });
    const tyreso = municipalityId(await tree(), 'Tyresö');
    const haninge = municipalityId(await tree(), 'Haninge');
    await admin.get('/admin/organisation');
    expect((await admin.postForm(`/admin/organisation/kommuner/${tyreso}/avveckla`, {})).status).toBe(303);
    const organisation = await tree();
    const ostra = organisation.federations.flatMap((f) => f.subprojects).find((s) => s.name === 'MIA Östra Södertörn');
    expect(ostra?.municipalities.find((m) => m.id === tyreso)).toMatchObject({ name: 'Tyresö', active: false });

    const adminPage = (await admin.get('/admin/organisation')).text;
    expect(adminPage).not.toContain(`action="/admin/organisation/kommuner/${tyreso}/flytta"`);
    expect(adminPage).toContain(`action="/admin/organisation/kommuner/${tyreso}/ateraktivera"`);

    const staffClient = new HttpClient(t.baseUrl);
    await staffClient.login(staff.email, TEST_PASSWORD);
    const filing = await staffClient.get('/avvikelser/ny');
    expect(filing.text).toContain(`value="${haninge}"`);
    expect(filing.text).not.toContain(`value="${tyreso}"`);
    const staffToken = await createApiToken(t.app, staff);
    const refused = await api().api('POST', '/api/deviations', deviationBody(tyreso), staffToken);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('Tyresö är avvecklad och tar inte emot nya avvikelser. Välj en annan kommun.');

    const leadClient = new HttpClient(t.baseUrl);
    await leadClient.login(lead.email, TEST_PASSWORD);
    const other = await fileDeviation(t.app, staff, 'Haninge');
    const report = await leadClient.get(`/avvikelser/${other.id}`);
    expect(report.text).toContain(`value="${municipalityId(await tree(), 'Huddinge')}"`);
    expect(report.text).not.toContain(`value="${tyreso}"`);
    const movedThere = await leadClient.postForm(`/avvikelser/${other.id}/flytta`, { municipalityId: tyreso });
    expect(movedThere.status).toBe(400);
    expect(movedThere.text).toContain('Tyresö är avvecklad och tar inte emot nya avvikelser.');

    // History: the old report still says Tyresö; the analysts' filter and the export still know it.
    expect((await leadClient.get(`/avvikelser/${filed.id}`)).text).toContain('Tyresö');
    const analystClient = new HttpClient(t.baseUrl);
    await analystClient.login(analyst.email, TEST_PASSWORD);
    const list = await analystClient.get(`/avvikelser?municipalityId=${tyreso}&status=all`);
    expect(list.status).toBe(200);
    expect(list.text).toContain(`<option value="${tyreso}" selected>`);
    expect(list.text).toContain('Rapport från Tyresö innan avvecklingen');
    const exported = await api().request('GET', '/api/deviations/export?format=csv', { headers: { authorization: `Bearer ${await createApiToken(t.app, analyst)}` } });
    expect(exported.text).toContain('Tyresö');

    const back = await admin.postForm(`/admin/organisation/kommuner/${tyreso}/ateraktivera`, {});
    expect(back.status).toBe(303);
    expect((await admin.get(back.location ?? '')).text).toContain('Kommunen Tyresö är i bruk igen.');
    expect((await staffClient.get('/avvikelser/ny')).text).toContain(`value="${tyreso}"`);
  });

  it('a delprojekt or förbund is retired only once nothing in it is in use; removed only when nothing refers to it', async () => {
    const ostra = await subprojectId(t.app, 'MIA Östra Södertörn');
    const blocked = await admin.get(`/admin/organisation/delprojekt/${ostra}/ta-bort`);
    expect(blocked.text).toContain('MIA Östra Södertörn kan inte avvecklas än: flytta eller avveckla först kommunerna');
    expect(blocked.text).not.toContain(`action="/admin/organisation/delprojekt/${ostra}/avveckla"`);
    await admin.get('/admin/organisation');
    const refused = await admin.postForm(`/admin/organisation/delprojekt/${ostra}/avveckla`, {});
    expect(refused.status).toBe(409);

    const federation = (await tree()).federations.find((f) => f.name === 'Samordningsförbundet HBS');
    const federationPage = await admin.get(`/admin/organisation/forbund/${federation?.id}/ta-bort`);
    expect(federationPage.text).toContain('Samordningsförbundet HBS kan inte tas bort: 1 delprojekt hänvisar till förbundet');

    // A new delprojekt with a kommun: retired in order, then nothing new goes there.
    await admin.get('/admin/organisation');
    expect((await admin.postForm('/admin/organisation/delprojekt', { name: 'MIA Lidingö', federationId: federation?.id ?? '' })).status).toBe(303);
    const lidingo = await subprojectId(t.app, 'MIA Lidingö');
    expect((await admin.postForm('/admin/organisation/kommuner', { name: 'Lidingö', subprojectId: lidingo })).status).toBe(303);
    const kommun = municipalityId(await tree(), 'Lidingö');
    await fileDeviation(t.app, await createUser(t.app, 'staff', { subproject: 'MIA Stockholm' }), 'Lidingö');
    await t.app.get(DataSource).query(`UPDATE deviation SET status = 'avslutad', resolution = 'Löst.', closed_at = now() WHERE municipality_id = $1`, [kommun]);
    const first = await admin.postForm(`/admin/organisation/delprojekt/${lidingo}/avveckla`, {});
    expect(first.status).toBe(409);
    expect(first.text).toContain('MIA Lidingö kan inte avvecklas än: flytta eller avveckla först kommunen Lidingö.');
    expect((await admin.postForm(`/admin/organisation/kommuner/${kommun}/avveckla`, {})).status).toBe(303);
    expect((await admin.postForm(`/admin/organisation/delprojekt/${lidingo}/avveckla`, {})).status).toBe(303);

    const organisation = await admin.get('/admin/organisation');
    expect(organisation.text).not.toContain(`<option value="${lidingo}"`);
    expect((await admin.get('/admin/anvandare')).text).not.toContain(`<option value="${lidingo}"`);
    const user = await api().api('POST', '/api/users', { email: 'ny@test.mia.se', name: 'Ny Person', role: 'staff', subprojectId: lidingo, password: TEST_PASSWORD }, token);
    expect(user.status).toBe(422);
    expect(user.json<{ error: { message: string } }>().error.message).toBe('MIA Lidingö är avvecklat. Välj ett delprojekt som är i bruk.');
    const kommunBack = await admin.postForm(`/admin/organisation/kommuner/${kommun}/ateraktivera`, {});
    expect(kommunBack.status).toBe(422);
    expect(summaryOf(kommunBack.text)).toContain(`<a href="#ateraktivera-${kommun}">Lidingö hör till MIA Lidingö, som är avvecklat. Ta MIA Lidingö i bruk igen först.</a>`);

    // An empty delprojekt and förbund go away through the API.
    const emptyFederation = (await api().api('POST', '/api/federations', { name: 'Samordningsförbundet Misstag' }, token)).json<{ id: string }>();
    const emptySubproject = (await api().api('POST', '/api/subprojects', { name: 'MIA Misstag', federationId: emptyFederation.id }, token)).json<{ id: string }>();
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect((await api().request('DELETE', `/api/federations/${emptyFederation.id}`, auth)).status).toBe(409);
    expect((await api().request('DELETE', `/api/subprojects/${emptySubproject.id}`, auth)).status).toBe(204);
    expect((await api().request('DELETE', `/api/federations/${emptyFederation.id}`, auth)).status).toBe(204);
    expect(JSON.stringify(await tree())).not.toContain('Misstag');
  });

  it('names without letters are refused; a move says where the kommun went and how many open reports moved', async () => {
    await admin.get('/admin/organisation');
    const digits = await admin.postForm('/admin/organisation/kommuner', { name: '1234', subprojectId: await subprojectId(t.app, 'MIA Stockholm') });
    expect(digits.status).toBe(400);
    expect(digits.text).toContain('Namnet måste innehålla bokstäver, inte bara siffror eller tecken.');
    expect(digits.text).toContain('value="1234"');
    const salem = municipalityId(await tree(), 'Salem');
    expect((await admin.postForm(`/admin/organisation/kommuner/${salem}/namn`, { name: '--' })).status).toBe(400);
    expect((await api().api('POST', '/api/federations', { name: '1234' }, token)).status).toBe(400);

    const staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    await fileDeviation(t.app, staff, 'Salem');
    await fileDeviation(t.app, staff, 'Salem');
    const sodertalje = await subprojectId(t.app, 'MIA Södertälje');
    const followed = await admin.postForm(`/admin/organisation/kommuner/${salem}/flytta`, { subprojectId: sodertalje, confirmed: '1', openDeviations: 'follow' });
    expect(followed.status).toBe(303);
    expect((await admin.get(followed.location ?? '')).text).toContain('Salem hör nu till MIA Södertälje: nya avvikelser därifrån går dit. 2 öppna avvikelser flyttades med till MIA Södertälje.');
    const hbs = await subprojectId(t.app, 'MIA HBS');
    await admin.get('/admin/organisation');
    const stayed = await admin.postForm(`/admin/organisation/kommuner/${salem}/flytta`, { subprojectId: hbs, confirmed: '1', openDeviations: 'stay' });
    expect((await admin.get(stayed.location ?? '')).text).toContain('Salem hör nu till MIA HBS: nya avvikelser därifrån går dit. 2 öppna avvikelser stannar hos MIA Södertälje tills de är avslutade.');
  });
});
