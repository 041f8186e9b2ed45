import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, subprojectId, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/** The visible text of a page, tags removed, white space collapsed. */
function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<\/?(?:strong|a|span|em)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The analysts take in and handle the reports of a delprojekt without an active lead. They find them: a filter on the
 * list of all reports and a line on their start page ("Nytt meddelande": analyst-stand-in-new-message.e2e-spec.ts).
 */
describe('reports standing in a delprojekt without an active lead, as the analysts find them', () => {
  let t: TestApp;
  // Monday 23 November 2026, 10:00 Swedish time.
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staffHbs: User;
  let staffOs: User;
  let leadOs: User;
  let analyst: User;
  let otherAnalyst: User;
  let admin: User;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staffHbs = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    staffOs = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn', name: 'Olle Coach' });
    leadOs = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', name: 'Leo Ledare' });
    // Only MIA HBS and MIA Järfälla are left without a lead.
    for (const subproject of ['MIA Roslagen', 'MIA Stockholm', 'MIA Södertälje']) await createUser(t.app, 'lead', { subproject });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksamhetsutvecklare' });
    otherAnalyst = await createUser(t.app, 'analyst', { name: 'Ville Verksamhetsutvecklare' });
    admin = await createUser(t.app, 'admin', { name: 'Ada Admin' });

    clock.set(new Date('2026-11-10T09:00:00Z')); // two weeks ago: late for acceptance by now
    ids.oldBotkyrka = (await fileDeviation(t.app, staffHbs, 'Botkyrka', { title: 'Gammal i Botkyrka', occurredOn: '2026-11-09' })).id;
    clock.set(new Date('2026-11-23T09:00:00Z'));
    ids.salem = (await fileDeviation(t.app, staffHbs, 'Salem', { title: 'Ny i Salem' })).id;
    ids.jarfalla = (await fileDeviation(t.app, staffOs, 'Järfälla', { title: 'Ny i Järfälla' })).id;
    ids.haninge = (await fileDeviation(t.app, staffOs, 'Haninge', { title: 'Ny i Haninge' })).id;
  });
  afterAll(() => t?.close());

  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  /** Titles on a list page, with whether each carries "Nytt meddelande". */
  const rows = async (client: HttpClient, path: string): Promise<Array<{ title: string; newMessage: boolean; text: string }>> => {
    const page = await client.get(path);
    expect(page.status).toBe(200);
    return [...page.text.matchAll(/<li class="deviation-item[^"]*">([\s\S]*?)<\/li>/g)].map((m) => ({
      title: /<a href="[^"]+">([^<]+)<\/a>/.exec(m[1])?.[1] ?? '',
      newMessage: m[1].includes('Nytt meddelande från rapportören'),
      text: pageText(m[1]),
    }));
  };
  const titles = async (client: HttpClient, path: string): Promise<string[]> => (await rows(client, path)).map((r) => r.title).sort();
  const homeWork = async (client: HttpClient): Promise<string> => {
    const page = await client.get('/');
    expect(page.status).toBe(200);
    return /<h2 id="rubrik-att-gora">[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
  };

  it('filters the list of all reports to delprojekt without a lead, says which and who handles them, and works as a plain form', async () => {
    const vera = await signIn(analyst);
    const all = await vera.get('/avvikelser');
    // The filter is an ordinary select in the GET form: no script needed.
    expect(all.text).toMatch(/<form method="get" action="\/avvikelser"[\s\S]*<select id="falt-lead" name="lead">[\s\S]*<option value="none">Delprojekt utan delprojektledare<\/option>/);
    expect(await titles(vera, '/avvikelser')).toEqual(['Gammal i Botkyrka', 'Ny i Haninge', 'Ny i Järfälla', 'Ny i Salem']);
    // Unfiltered, the rows without a lead say so.
    const marks = Object.fromEntries((await rows(vera, '/avvikelser')).map((r) => [r.title, r.text.includes('saknar delprojektledare')]));
    expect(marks).toEqual({ 'Gammal i Botkyrka': true, 'Ny i Haninge': false, 'Ny i Järfälla': true, 'Ny i Salem': true });
    expect(pageText(all.text)).toContain('MIA HBS saknar delprojektledare');

    const filtered = await vera.get('/avvikelser?lead=none');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain('<option value="none" selected>Delprojekt utan delprojektledare</option>');
    expect(filtered.text).toMatch(/<details class="filters" open>/);
    expect(pageText(filtered.text)).toContain(
      'Avvikelser i MIA HBS och MIA Järfälla, som just nu saknar aktiv delprojektledare. Som verksamhetsutvecklare tar du emot och hanterar dem tills delprojektet har en.',
    );
    expect(await titles(vera, '/avvikelser?lead=none')).toEqual(['Gammal i Botkyrka', 'Ny i Järfälla', 'Ny i Salem']);
    // With the other filters: a delprojekt with a lead finds nothing; a late one is marked.
    expect(await titles(vera, `/avvikelser?lead=none&subprojectId=${await subprojectId(t.app, 'MIA Östra Södertörn')}`)).toEqual([]);
    expect(await titles(vera, `/avvikelser?lead=none&subprojectId=${await subprojectId(t.app, 'MIA HBS')}`)).toEqual(['Gammal i Botkyrka', 'Ny i Salem']);
    const late = (await rows(vera, '/avvikelser?lead=none&status=ny')).find((r) => r.title === 'Gammal i Botkyrka');
    expect(late?.text).toContain('Försenad: inte mottagen inom 2 arbetsdagar');

    // A value that is not in the list: said in Swedish at the field, never a 500.
    const refused = await vera.get('/avvikelser?lead=alla');
    expect(refused.status).toBe(400);
    expect(pageText(refused.text)).toContain('Okänt val för delprojektledare. Välj Alla delprojekt eller Delprojekt utan delprojektledare.');

    // The API has the same filter.
    const token = await createApiToken(t.app, analyst);
    const api = await new HttpClient(t.baseUrl).get('/api/deviations?lead=none', { authorization: `Bearer ${token}` });
    expect(api.status).toBe(200);
    expect(api.json<{ items: Array<{ title: string }> }>().items.map((i) => i.title).sort()).toEqual(['Gammal i Botkyrka', 'Ny i Järfälla', 'Ny i Salem']);
    const badApi = await new HttpClient(t.baseUrl).get('/api/deviations?lead=ja', { authorization: `Bearer ${token}` });
    expect(badApi.status).toBe(400);

    // An admin has the filter and is told the analysts handle them; a lead has no such filter and finds nothing with it.
    const ada = await signIn(admin);
    expect(pageText((await ada.get('/avvikelser?lead=none')).text)).toContain('Verksamhetsutvecklarna tar emot och hanterar dem tills delprojektet har en.');
    expect(await titles(ada, '/avvikelser?lead=none')).toEqual(['Gammal i Botkyrka', 'Ny i Järfälla', 'Ny i Salem']);
    const leo = await signIn(leadOs);
    expect((await leo.get('/delprojekt/ko')).text).not.toContain('name="lead"');
    expect(await titles(leo, '/delprojekt/ko?lead=none')).toEqual([]);
  });

  it('counts the open ones on the analyst’s start page, with the late and a link to the list', async () => {
    const vera = await signIn(analyst);
    const work = await homeWork(vera);
    expect(pageText(work)).toContain(
      '3 öppna avvikelser i delprojekt utan delprojektledare, 1 försenad. MIA HBS och MIA Järfälla saknar just nu aktiv delprojektledare, så du och de andra verksamhetsutvecklarna tar emot och hanterar dem tills delprojektet har en.',
    );
    expect(work).toContain('href="/avvikelser?lead=none"');
    // Not for a lead: their delprojekt has one.
    expect(await homeWork(await signIn(leadOs))).not.toContain('utan delprojektledare');
  });

  it('once both delprojekt have a lead, the start page says nothing of it and the filter finds nothing', async () => {
    await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
    await createUser(t.app, 'lead', { subproject: 'MIA Järfälla' });
    const ville = await signIn(otherAnalyst);
    expect(pageText(await homeWork(ville))).not.toContain('utan delprojektledare');
    expect(await titles(ville, '/avvikelser?lead=none')).toEqual([]);
    expect(pageText((await ville.get('/avvikelser?lead=none')).text)).toContain('Just nu har alla delprojekt en delprojektledare.');
  });
});
