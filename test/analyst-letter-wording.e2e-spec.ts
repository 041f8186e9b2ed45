import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The verksamhetsutvecklare's journeys through barriers and letters, one per test, over HTTP on a real
 * Postgres. Barriers and reports are inserted directly.
 */
describe('the analyst: letters without party codes, the review order kept, thesaurus parties', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let db: DataSource;
  let analyst: User;
  let client: HttpClient;

  const insertBarrier = (name: string, parties: string[], nameSource: 'analyst' | 'generated' = 'analyst'): Promise<string> =>
    insertEscalatedBarrier(db, name, parties, clock.now(), nameSource);
  const addMember = (barrier: string, kommun: string, occurredOn: string, reporterEmail: string, reason: string[] = []): Promise<{ id: string; reference: string }> =>
    addBarrierMember(db, barrier, { kommun, occurredOn, reporterEmail, reason });

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);
    analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('a letter and the reporters’ mail name a generated barrier without the app’s party codes', async () => {
    const barrierId = await insertBarrier('Ekonomiskt bistånd, arbetssökande och krav (KOMMUN, AF)', ['KOMMUN', 'AF'], 'generated');
    for (const [kommun, date] of [['Haninge', '2026-02-01'], ['Botkyrka', '2026-04-10'], ['Järfälla', '2026-09-01']]) {
      await addMember(barrierId, kommun, date, `rapportor.${kommun.toLowerCase()}@kommun.example.org`);
    }
    const { letterId } = await t.app.get(LetterService).upsertDraftForBarrier(barrierId);
    const row = ((await db.query(`SELECT subject, summary FROM letter WHERE id = $1`, [letterId])) as Array<{ subject: string; summary: string }>)[0];
    // The engine's keywords read as machine output in a subject line: until the analyst names it, the parties say what it is.
    expect(row.subject).toBe('Skrivelse angående ett återkommande hinder mellan Arbetsförmedlingen och kommunerna');
    expect(row.summary).toContain('beskriver samma återkommande hinder.');
    expect(row.subject + row.summary).not.toContain('arbetssökande och krav');
    expect(`${row.subject}\n${row.summary}`).not.toMatch(/\((KOMMUN|AF)/);

    // Granska and send through the page, as the analyst does; the reporters' mail names the barrier the same way.
    for (const action of ['review', 'send']) {
      const page = await client.get(`/skrivelser/${letterId}`);
      const version = /name="version" value="(\d+)"/.exec(page.text)?.[1];
      const confirm: Record<string, string> = action === 'send' ? { bekraftat: 'ja' } : {};
      expect((await client.postForm(`/skrivelser/${letterId}/status`, { version: version ?? '', action, ...confirm })).status).toBe(303);
    }
    const mails = (await db.query(`SELECT text, html FROM mail_outbox WHERE template = 'letter-sent'`)) as Array<{ text: string; html: string }>;
    expect(mails).toHaveLength(3);
    for (const mail of mails) {
      expect(mail.text).toContain('om ett strukturellt hinder: Ekonomiskt bistånd, arbetssökande och krav.');
      expect(`${mail.text}${mail.html}`).not.toContain('(KOMMUN, AF)');
    }
  });

  it('the editor asks for a name while the barrier has only the generated one, and the subject takes the name once given', async () => {
    const barrierId = await insertBarrier('Sjukpenning, ersättning och upphöra (FK, AF)', ['FK', 'AF'], 'generated');
    for (const [kommun, date] of [['Haninge', '2026-03-01'], ['Botkyrka', '2026-05-10'], ['Järfälla', '2026-08-01']]) {
      await addMember(barrierId, kommun, date, `rapportor.${kommun.toLowerCase()}@kommun.example.org`);
    }
    const { letterId } = await t.app.get(LetterService).upsertDraftForBarrier(barrierId);
    const before = await client.get(`/skrivelser/${letterId}`);
    expect(before.text).toContain('Hindret har bara ett föreslaget namn (gjort av analysen ur rapporternas ord), så ämnesraden säger bara vilka parter det gäller.');
    expect(before.text).not.toContain('Hindret har inget namn än');
    // The barrier's parties, as its page lists them (the factory's reports name the kommun too, but the barrier does not).
    expect(before.text).toContain('<h1>Skrivelse angående ett återkommande hinder mellan Arbetsförmedlingen och Försäkringskassan</h1>');
    const draft = ((await db.query(`SELECT subject, summary FROM letter WHERE id = $1`, [letterId])) as Array<{ subject: string; summary: string }>)[0];
    expect(draft.subject + draft.summary).not.toContain('upphöra');

    await client.get(`/hinder/${barrierId}`);
    expect((await client.postForm(`/hinder/${barrierId}/namn`, { name: 'Glapp när sjukpenningen upphör' })).status).toBe(303);
    await client.get(`/skrivelser/${letterId}`);
    expect((await client.postForm(`/skrivelser/${letterId}/underlag`, {})).status).toBe(303);
    const after = await client.get(`/skrivelser/${letterId}`);
    expect(after.text).toContain('<h1>Skrivelse angående glapp när sjukpenningen upphör</h1>');
    expect(after.text).toContain('beskriver samma återkommande hinder: glapp när sjukpenningen upphör.');
    expect(after.text).not.toContain('Hindret har bara ett föreslaget namn');
  });

  it('the letter names the parties the barrier page lists, not every party a single report named', async () => {
    const barrierId = await insertBarrier('Ekonomiskt bistånd och inskrivning (KOMMUN, AF)', ['KOMMUN', 'AF'], 'generated');
    const kommuner = ['Haninge', 'Nynäshamn', 'Tyresö', 'Huddinge', 'Botkyrka', 'Salem', 'Södertälje', 'Nykvarn', 'Järfälla', 'Stockholm', 'Täby'];
    for (const [i, kommun] of kommuner.entries()) {
      await addBarrierMember(db, barrierId, {
        kommun,
        occurredOn: `2026-0${(i % 9) + 1}-15`,
        reporterEmail: `rapportor.parter.${i}@kommun.example.org`,
        // One report of eleven also ticks the region.
        parties: i === 4 ? ['KOMMUN', 'AF', 'REGION'] : ['KOMMUN', 'AF'],
      });
    }
    const barrierPage = await client.get(`/hinder/${barrierId}`);
    expect(barrierPage.text).toContain('<dt>Parter</dt><dd>Kommunen, Arbetsförmedlingen</dd>');

    const letterId = await (async () => {
      await client.get('/skrivelser');
      const created = await client.postForm('/skrivelser', { barrierId });
      return /\/skrivelser\/([0-9a-f-]{36})/.exec(String(created.location))?.[1] as string;
    })();
    const letter = (await new HttpClient(t.baseUrl).api('GET', `/api/letters/${letterId}`, undefined, await createApiToken(t.app, analyst))).json<Record<string, string>>();
    expect(letter.subject).toBe('Skrivelse angående ett återkommande hinder mellan Arbetsförmedlingen och kommunerna');
    expect(letter.summary).toContain('Hindret uppstår där Arbetsförmedlingens och kommunernas regelverk möts');
    expect(letter.interfaceRules).toContain('I de rapporterade situationerna möts Arbetsförmedlingens och kommunernas regelverk.');
    expect(letter.requestedAction).toContain('– uppmärksamma Arbetsförmedlingen och kommunerna på hindret,');
    expect(`${letter.subject}\n${letter.summary}\n${letter.requestedAction}`).not.toContain('Region Stockholm');
    // The one report that named the region is still told, as a count.
    expect(letter.interfaceRules).toContain('– I en av elva rapporter anges Region Stockholm som berörd part.');

    // A barrier the engine has not described (no parties stored): the engine's rule over the letter's reports.
    const handMade = await insertBarrier('Krav på inskrivning, handgjort', []);
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Järfälla', 'Täby'].entries()) {
      await addBarrierMember(db, handMade, {
        kommun,
        occurredOn: `2026-0${i + 2}-10`,
        reporterEmail: `rapportor.handgjort.${i}@kommun.example.org`,
        parties: i === 0 ? ['FK', 'REGION'] : ['FK'],
      });
    }
    const { letterId: handMadeLetter } = await t.app.get(LetterService).upsertDraftForBarrier(handMade);
    const interfaceRules = ((await db.query(`SELECT interface_rules FROM letter WHERE id = $1`, [handMadeLetter])) as Array<{ interface_rules: string }>)[0].interface_rules;
    expect(interfaceRules).toContain('I de rapporterade situationerna är det Försäkringskassans regelverk som deltagarna möter.');
    expect(interfaceRules).toContain('– I en av fyra rapporter anges Region Stockholm som berörd part.');
  });

  it('moving a report out while reviewing the weakest anchored first leads back to that order, not to date order', async () => {
    const barrierId = await insertBarrier('Samtycke och blankett', ['FK', 'ANNAN']);
    const members = [];
    for (const [kommun, date] of [['Haninge', '2026-01-05'], ['Tyresö', '2026-03-01'], ['Salem', '2026-05-20']]) {
      members.push(await addMember(barrierId, kommun, date, `rapportor.${kommun.toLowerCase()}@kommun.example.org`));
    }
    const page = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(page.text).toContain('name="ordning" value="forankring"');
    const form = /<form method="post" action="\/hinder\/[^"]+\/flytta-ut"[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? '';
    const fields = Object.fromEntries([...form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].filter((m) => m[1] !== '_csrf').map((m) => [m[1], m[2]]));
    expect(fields.deviationId).toBeTruthy();
    const moved = await client.postForm(`/hinder/${barrierId}/flytta-ut`, fields);
    expect(moved.status).toBe(303);
    const reference = members.find((member) => member.id === fields.deviationId)?.reference as string;
    // ?andrat= names the history line of the barrier that lost the report (shown when no other notice says it).
    expect(String(moved.location).replace(/&andrat=[\d,]+/, '')).toBe(`/hinder/${barrierId}?ordning=forankring&klart=flyttad-ut&rapport=${reference}#rapporter`);
    const back = await client.get(String(moved.location).split('#')[0]);
    expect(back.text).toContain(`${reference} är flyttad ut ur hindret.`);
    expect(back.text).toContain('<strong aria-current="true">svagast förankrade först</strong>');

    // Without an order (an older page, the API's form) it is date order, as before.
    const plain = await client.postForm(`/hinder/${barrierId}/flytta-ut`, { deviationId: members[2].id });
    expect(String(plain.location).replace(/&andrat=[\d,]+/, '')).toBe(`/hinder/${barrierId}?klart=flyttad-ut&rapport=${members[2].reference}#rapporter`);
  });

  it('a thesaurus line with an unknown party in brackets is refused in Swedish and kept; a lower-case party is stored in capitals', async () => {
    await client.get('/hinder/tesaurus');
    const unknown = await client.postForm('/hinder/tesaurus', { line: 'bidrag [XYZ]: försörjningsstöd' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Parten inom hakparentes finns inte.');
    expect(unknown.text).toContain('value="bidrag [XYZ]: försörjningsstöd"');
    expect((await client.postForm('/hinder/tesaurus', { line: 'intyg [fk]: läkarintyget, intyg från läkare' })).status).toBe(303);
    const rows = (await db.query(`SELECT line, canonical FROM thesaurus_entry ORDER BY created_at`)) as Array<{ line: string; canonical: string }>;
    expect(rows).toEqual([{ line: 'intyg [FK]: läkarintyget, intyg från läkare', canonical: 'intyg' }]);
  });
});
