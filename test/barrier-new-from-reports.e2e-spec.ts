import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { User } from '../src/modules/user/user.entity';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface Report {
  id: string;
  reference: string;
  externalId: string;
}

let sequence = 0;

/** The error summary at the top of a refused form. */
function summaryOf(html: string): string {
  const start = html.indexOf('class="error-summary"');
  return start < 0 ? '' : html.slice(start, html.indexOf('</div>', start));
}

/**
 * What a browser review of /hinder's "Nytt hinder av rapporterna" found: a number like a personnummer in the name
 * could not be got past, a barrier without a name was called "Nytt hinder" for good, the barriers it emptied stayed
 * (counted, and 100 % similar to everything), and a name could be digits only.
 */
describe('a new barrier from reports on /hinder (with a predictable engine)', () => {
  let t: TestApp;
  let analyst: User;
  let client: HttpClient;
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  const db = (): DataSource => t.app.get(DataSource);

  /** "mönster:<namn>" groups a report in the fake engine; without a marker the engine has no words for it. */
  async function report(kommun: string, occurredOn: string, description: string): Promise<Report> {
    sequence += 1;
    const externalId = `NY-${String(sequence).padStart(4, '0')}`;
    const created = await importDeviation(t.app, { externalId, kommun, occurredOn, title: 'Avvikelse', description });
    return { id: created.id, reference: created.reference, externalId };
  }
  const barrierOf = async (deviationId: string): Promise<string | null> =>
    ((await db().query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{ barrier_id: string }>)[0]?.barrier_id ?? null;
  const barrier = async (id: string): Promise<{ name: string; status: string; name_source: string; terms: string[]; member_count: number }> =>
    ((await db().query(`SELECT name, status, name_source, terms, member_count FROM barrier WHERE id = $1`, [id])) as Array<{
      name: string;
      status: string;
      name_source: string;
      terms: string[];
      member_count: number;
    }>)[0];
  const createdId = (location: string | null): string => /\/hinder\/([0-9a-f-]{36})\?klart=nytt/.exec(location ?? '')?.[1] as string;

  const alfa: Report[] = [];
  const beta: Report[] = [];
  const gamma: Report[] = [];
  const plain: Report[] = [];
  const words: Report[] = [];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
    analyst = await createUser(t.app, 'analyst', { email: 'nytt-hinder@test.mia.se' });
    for (const [kommun, date] of [['Haninge', '2018-02-01'], ['Botkyrka', '2018-04-10']]) alfa.push(await report(kommun, date, 'Deltagaren fick inget stöd. mönster:alfa'));
    for (const [kommun, date] of [['Tyresö', '2018-03-01'], ['Salem', '2018-03-05']]) beta.push(await report(kommun, date, 'Deltagaren fick inget stöd. mönster:beta'));
    for (const [kommun, date] of [['Järfälla', '2018-05-01'], ['Stockholm', '2018-05-05']]) gamma.push(await report(kommun, date, 'Deltagaren fick inget stöd. mönster:gamma'));
    for (const [kommun, date] of [['Haninge', '2018-06-01'], ['Tyresö', '2018-06-02'], ['Salem', '2018-06-03']]) plain.push(await report(kommun, date, 'Deltagaren väntade länge på besked.'));
    words.push(await report('Haninge', '2018-07-01', 'Sjukpenningen upphörde innan arbetsträningen kunde starta hos kommunen.'));
    words.push(await report('Nynäshamn', '2018-07-03', 'Arbetsträningen stoppades eftersom sjukpenningen drogs in.'));
    const { outcome } = await t.app.get(PatternsJob).runNow('full');
    expect(outcome.status).toBe('succeeded');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    await client.get('/hinder');
  });
  afterAll(() => t.close());

  it('asks about a number like a personnummer in the name as Byt namn does, in Swedish, and creates the barrier when told it is none', async () => {
    const typed = { reports: `${plain[0].reference}, ${plain[1].reference}`, name: 'Deltagaren 850101-1234 fick avslag.' };
    const asked = await client.postForm('/hinder/nytt', typed);
    expect(asked.status).toBe(422);
    const summary = summaryOf(asked.text);
    expect(summary).toContain('>Ta bort numret åt mig</button>');
    expect(summary).toContain('>Det är inte ett personnummer – skicka ändå</button>');
    expect(asked.text).not.toContain('confirmNotPersonalData');
    expect(asked.text).toContain(plain[1].reference);
    expect(await barrierOf(plain[0].id)).toBeNull();

    const confirm = /name="_inte_personnummer" value="([^"]+)"[^>]*>Det är inte ett personnummer – skicka ändå<\/button>/.exec(summary)?.[1] as string;
    const created = await client.postForm('/hinder/nytt', { ...typed, _inte_personnummer: confirm });
    expect(created.status).toBe(303);
    const id = createdId(created.location);
    expect(await barrier(id)).toMatchObject({ name: 'Deltagaren 850101-1234 fick avslag.', name_source: 'analyst', status: 'bekraftad' });
  });

  it('names a barrier created without a name from its reports’ own words, with its terms, in the same change', async () => {
    const created = await client.postForm('/hinder/nytt', { reports: `${words[0].reference}\n${words[1].externalId}`, name: '' });
    expect(created.status).toBe(303);
    const id = createdId(created.location);
    const row = await barrier(id);
    expect(row.name).not.toBe('Nytt hinder');
    expect(row.name_source).toBe('generated');
    expect(row.terms).toEqual(expect.arrayContaining(['sjukpenningen', 'arbetsträningen']));
    expect(row.name).toMatch(/sjukpenningen|arbetsträningen/i);
    const page = await client.get(`/hinder/${id}?klart=nytt`);
    expect(page.text).not.toContain('Nytt hinder');
    expect(page.text).toMatch(/<dt>Kännetecknande ord<\/dt><dd>[^<–]*sjukpenningen/);
  });

  it('retires a barrier the new one empties, says so, counts and compares it no more; asks for two different reports', async () => {
    const betaId = (await barrierOf(beta[0].id)) as string;
    const alfaId = (await barrierOf(alfa[0].id)) as string;
    expect(betaId).not.toBeNull();
    const countBefore = /<p>(\d+) hinder, varav/.exec((await client.get('/hinder')).text)?.[1];

    // The same report twice, or by its reference and its external id, is one report: refused at the field.
    for (const reports of [`${gamma[0].reference} ${gamma[0].reference.toLowerCase()}`, `${gamma[0].reference}, ${gamma[0].externalId}`]) {
      const refused = await client.postForm('/hinder/nytt', { reports, name: 'Ett hinder' });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('id="fel-nytt-reports"><span class="visually-hidden">Fel:</span> Ett hinder behöver minst två olika rapporter: referenserna gäller bara en.');
      expect(refused.text).toContain(reports.split(',')[0]);
      expect(await barrierOf(gamma[0].id)).not.toBeNull();
    }

    const created = await client.postForm('/hinder/nytt', { reports: `${beta[0].reference}, ${beta[1].reference}, ${alfa[0].reference}`, name: 'Beta i två kommuner' });
    expect(created.status).toBe(303);
    expect(created.location).toContain(`upplost=${betaId}`);
    const id = createdId(created.location);
    expect(await barrier(betaId)).toMatchObject({ status: 'upplost', member_count: 0 });
    expect((await barrier(alfaId)).status).not.toBe('upplost');

    const page = await client.get(created.location as string);
    expect(page.text).toContain('Hindret ”Beta och samordning” hade inga rapporter kvar och är upplöst.');
    expect(page.text).not.toContain(`href="/hinder/${betaId}">Beta och samordning</a> <span class="muted">likhet`);
    const list = await client.get('/hinder');
    expect(list.text).not.toContain(`href="/hinder/${betaId}"`);
    expect(/<p>(\d+) hinder, varav/.exec(list.text)?.[1]).toBe(String(Number(countBefore) + 1 - 1));

    // Moving the last report out of a barrier retires it the same way, and offers no Ångra into it.
    const alfaPage = await client.get(`/hinder/${alfaId}`);
    expect(alfaPage.text).not.toMatch(/likhet 100 %/);
    const out = await client.postForm(`/hinder/${alfaId}/flytta-ut`, { deviationId: alfa[1].id });
    expect(out.status).toBe(303);
    expect(out.location).toContain(`upplost=${alfaId}`);
    expect((await barrier(alfaId)).status).toBe('upplost');
    const outPage = await client.get(out.location as string);
    expect(outPage.text).toContain('Hindret ”Alfa och samordning” hade inga rapporter kvar och är upplöst.');
    expect(outPage.text).not.toContain('Ångra: flytta tillbaka');

    // The next run has nothing of them to dissolve: what it says it dissolved is what it lists.
    const { summary } = await t.app.get(PatternsJob).runNow('full');
    expect(summary?.dissolved).toBe(0);
    expect(await barrierOf(beta[0].id)).toBe(id);
  });

  it('refuses a barrier name of digits only, at the field, on every way to name one', async () => {
    const gammaId = (await barrierOf(gamma[0].id)) as string;
    const message = 'Namnet måste innehålla bokstäver, inte bara siffror eller tecken.';
    const created = await client.postForm('/hinder/nytt', { reports: `${plain[2].reference}, ${words[0].reference}`, name: '12345' });
    expect(created.status).toBe(400);
    expect(created.text).toContain(`id="fel-nytt-name"><span class="visually-hidden">Fel:</span> ${message}`);
    expect(await barrierOf(plain[2].id)).toBeNull();

    await client.get(`/hinder/${gammaId}`);
    const renamed = await client.postForm(`/hinder/${gammaId}/namn`, { name: '12345' });
    expect(renamed.status).toBe(400);
    expect(renamed.text).toContain(message);
    expect((await barrier(gammaId)).name).not.toBe('12345');

    const token = await createApiToken(t.app, analyst);
    const api = new HttpClient(t.baseUrl);
    const patch = await api.api('PATCH', `/api/barriers/${gammaId}`, { name: '2026-11-23' }, token);
    expect(patch.status).toBe(400);
    expect(patch.text).toContain(message);
    const split = await api.api('POST', `/api/barriers/${gammaId}/split`, { deviationIds: [gamma[0].id], name: '1234' }, token);
    expect(split.status).toBe(400);
    expect(split.text).toContain(message);
    const create = await api.api('POST', '/api/barriers', { deviationIds: [plain[2].id, words[0].id], name: '---' }, token);
    expect(create.status).toBe(400);
    expect(create.text).toContain(message);
    expect(await barrierOf(plain[2].id)).toBeNull();
  });
});
