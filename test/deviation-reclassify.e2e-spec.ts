import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface ApiError {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

interface DashboardSlice {
  byMunicipalityAndCategory: { cells: Array<{ municipality: string; category: string; count: number }> };
  partyPairs: Array<{ parties: [string, string]; count: number }>;
}

/** The text of the timeline section, tags removed. */
function timelineText(html: string): string {
  return html
    .slice(html.indexOf('id="rubrik-tidslinje"'))
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

/**
 * Triage corrects what staff chose in a hurry (DOMAIN.md: the category is a hint): the lead of the owning
 * delprojekt and the analysts change category, parties and severity, on the report page and in the API;
 * the timeline says who, when and from → to, and lists and the overview count the corrected values.
 */
describe('correcting a report’s category, parties and severity', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let analyst: User;
  let roslagenLead: User;
  const db = (): DataSource => t.app.get(DataSource);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Sara Stafett' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lars Ledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Ada Analytiker' });
    roslagenLead = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen', name: 'Rut Roslagen' });
  });
  afterAll(() => t.close());

  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const row = async (id: string): Promise<{ category: string; parties: string[]; severity: string }> =>
    ((await db().query(`SELECT category, parties, severity FROM deviation WHERE id = $1`, [id])) as Array<{ category: string; parties: string[]; severity: string }>)[0];

  it('the lead changes all three on the report page; the timeline says who and from → to, lists and the overview follow', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka', { title: 'Fel kategori vid rapporteringen', category: 'gransnitt', parties: ['AF', 'FK'], severity: 'medel' });
    const client = await signIn(lead);
    const page = await client.get(`/avvikelser/${filed.id}`);
    expect(page.text).toContain(`action="/avvikelser/${filed.id}/klassning"`);
    // The form starts from what the report says now.
    const form = page.text.slice(page.text.indexOf(`action="/avvikelser/${filed.id}/klassning"`));
    expect(form).toMatch(/<option value="gransnitt" selected>/);
    expect(form).toMatch(/value="AF" checked/);
    expect(form).toMatch(/value="medel" checked/);

    clock.set(new Date('2026-11-23T10:15:00Z'));
    const saved = await client.postForm(`/avvikelser/${filed.id}/klassning`, {
      category: 'regelverk',
      parties: ['AF', 'KOMMUN'],
      severity: 'hog',
      comment: 'Det är aktivitetskravet som hindrar, inte gränssnittet.',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/avvikelser/${filed.id}?klart=classify#klassning`);
    expect(await row(filed.id)).toEqual({ category: 'regelverk', parties: ['AF', 'KOMMUN'], severity: 'hog' });

    const after = await client.get(saved.location ?? '');
    expect(after.text).toContain('Kategori, parter och allvarlighet är ändrade.');
    expect(after.text).toMatch(/<dt>Kategori<\/dt><dd>Regelverk hindrar<\/dd>/);
    expect(after.text).toMatch(/<dt>Parter<\/dt><dd>Arbetsförmedlingen, Kommunen<\/dd>/);
    expect(after.text).toContain('Allvarlighet: Hög');
    const timeline = timelineText(after.text);
    expect(timeline).toContain('Lars Ledare');
    expect(timeline).toContain('Ändrade kategori, parter och allvarlighet');
    expect(timeline).toContain('Kategori: Gränssnitt mellan huvudmän → Regelverk hindrar');
    expect(timeline).toContain('Parter: Arbetsförmedlingen, Försäkringskassan → Arbetsförmedlingen, Kommunen');
    expect(timeline).toContain('Allvarlighet: Medel → Hög');
    expect(timeline).toContain('Kommentar: Det är aktivitetskravet som hindrar, inte gränssnittet.');

    const [event] = (await db().query(`SELECT actor_id, before, after, created_at FROM deviation_event WHERE deviation_id = $1 AND kind = 'reclassified'`, [filed.id])) as Array<{
      actor_id: string;
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      created_at: Date;
    }>;
    expect(event).toMatchObject({
      actor_id: lead.id,
      before: { category: 'gransnitt', parties: ['AF', 'FK'], severity: 'medel' },
      after: { category: 'regelverk', parties: ['AF', 'KOMMUN'], severity: 'hog', comment: 'Det är aktivitetskravet som hindrar, inte gränssnittet.' },
    });
    expect(event.created_at).toEqual(new Date('2026-11-23T10:15:00Z'));

    // The queue's filters and the overview count the corrected values.
    const regelverk = await client.get('/delprojekt/ko?category=regelverk');
    expect(regelverk.text).toContain('Fel kategori vid rapporteringen');
    expect((await client.get('/delprojekt/ko?category=gransnitt')).text).not.toContain('Fel kategori vid rapporteringen');
    expect((await client.get('/delprojekt/ko?severity=hog')).text).toContain('Fel kategori vid rapporteringen');
    const overview = (await client.get('/api/dashboard')).json<DashboardSlice>();
    const botkyrka = (category: string): number =>
      overview.byMunicipalityAndCategory.cells.find((c) => c.municipality === 'Botkyrka' && c.category === category)?.count ?? 0;
    expect(botkyrka('regelverk')).toBe(1);
    expect(botkyrka('gransnitt')).toBe(0);
    expect(overview.partyPairs.find((p) => p.parties.join() === 'AF,KOMMUN')?.count).toBe(1);
    expect(overview.partyPairs.find((p) => p.parties.join() === 'AF,FK')?.count ?? 0).toBe(0);
  });

  it('changing nothing is refused in Swedish with the comment kept; personal data in the comment saves nothing', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { category: 'gransnitt', parties: ['AF'], severity: 'lag' });
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    const same = await client.postForm(`/avvikelser/${filed.id}/klassning`, { category: 'gransnitt', parties: 'AF', severity: 'lag', comment: 'Kollade igen.' });
    expect(same.status).toBe(422);
    expect(same.text).toContain('Kategori, parter och allvarlighet är desamma som förut.');
    expect(same.text).toContain('Kollade igen.');

    const missing = await client.postForm(`/avvikelser/${filed.id}/klassning`, { category: '', parties: 'AF', severity: 'lag', comment: 'Min förklaring.' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('id="fel-klassning-category"');
    expect(missing.text).toContain('Min förklaring.');

    const pii = await client.postForm(`/avvikelser/${filed.id}/klassning`, { category: 'regelverk', parties: 'AF', severity: 'lag', comment: 'Gäller 19900101-0017.' });
    expect(pii.status).toBe(422);
    expect(pii.text).toContain('personuppgifter');
    expect(await row(filed.id)).toEqual({ category: 'gransnitt', parties: ['AF'], severity: 'lag' });
    // A form value outside the lists is a form error, not a 500.
    const odd = await client.postForm(`/avvikelser/${filed.id}/klassning`, { category: 'regelverk', parties: ['AF', 'XX'], severity: 'extrem' });
    expect(odd.status).toBe(400);
    expect(odd.text).toContain('id="fel-klassning-severity"');
  });

  it('POST /api/deviations/:id/reclassify: analysts may, like moving; the reporter and other delprojekt may not', async () => {
    const filed = await fileDeviation(t.app, staff, 'Salem', { category: 'ovrigt', parties: [], severity: 'medel' });
    const client = new HttpClient(t.baseUrl);
    const analystToken = await createApiToken(t.app, analyst);
    const changed = await client.api('POST', `/api/deviations/${filed.id}/reclassify`, { category: 'forsorjning', parties: ['fk'] }, analystToken);
    expect(changed.status).toBe(200);
    const view = changed.json<{ deviation: { category: string; categoryLabel: string; parties: string[]; severity: string }; timeline: Array<{ what: string; details: string[] }> }>();
    expect(view.deviation).toMatchObject({ category: 'forsorjning', categoryLabel: 'Ersättning och försörjning', parties: ['FK'], severity: 'medel' });
    const last = view.timeline[view.timeline.length - 1];
    expect(last.what).toBe('Ändrade kategori och parter');
    expect(last.details).toEqual(['Kategori: Övrigt → Ersättning och försörjning', 'Parter: inga → Försäkringskassan']);

    const bad = await client.api('POST', `/api/deviations/${filed.id}/reclassify`, { category: 'okand' }, analystToken);
    expect(bad.status).toBe(400);
    expect(bad.json<ApiError>().error.fields?.[0]).toEqual({ field: 'category', message: 'Välj vilken sorts avvikelse det är.' });
    const nothing = await client.api('POST', `/api/deviations/${filed.id}/reclassify`, {}, analystToken);
    expect(nothing.status).toBe(422);
    expect(nothing.json<ApiError>().error.code).toBe('nothing_changed');

    const reporterToken = await createApiToken(t.app, staff);
    const byReporter = await client.api('POST', `/api/deviations/${filed.id}/reclassify`, { severity: 'hog' }, reporterToken);
    expect(byReporter.status).toBe(403);
    expect(byReporter.json<ApiError>().error.message).toContain('Bara delprojektledare');
    const otherLead = await client.api('POST', `/api/deviations/${filed.id}/reclassify`, { severity: 'hog' }, await createApiToken(t.app, roslagenLead));
    expect(otherLead.status).toBe(404);
    expect(await row(filed.id)).toEqual({ category: 'forsorjning', parties: ['FK'], severity: 'medel' });

    const spec = (await new HttpClient(t.baseUrl).get('/api/docs-json')).json<{ paths: Record<string, Record<string, { tags?: string[] }>> }>();
    expect(spec.paths['/api/deviations/{id}/reclassify']?.post?.tags).toEqual(['avvikelser']);

    // The reporter's page has no such form.
    const reporter = await signIn(staff);
    expect((await reporter.get(`/avvikelser/${filed.id}`)).text).not.toContain('/klassning"');
  });
});
