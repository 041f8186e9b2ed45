import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { DeviationTransitionDto } from '../src/modules/deviation/dto/deviation-action.dto';
import { User } from '../src/modules/user/user.entity';
import { authUser, fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/** The text of a page without tags and with runs of white space made one space, for phrases split over lines. */
function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    // Inline elements sit inside a sentence; the rest break it.
    .replace(/<\/?(?:strong|a|span|em)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

/** The rows of the start page's status table: label, count, overdue. */
function statusRows(html: string): string[][] {
  const table = /<table class="home-table">([\s\S]*?)<\/table>/.exec(html);
  if (!table) return [];
  return [...table[1].matchAll(/<tr>\s*<th scope="row">([\s\S]*?)<\/th>\s*<td>([\s\S]*?)<\/td>\s*<td>([\s\S]*?)<\/td>/g)].map((m) => m.slice(1, 4).map((cell) => pageText(cell).trim()));
}

describe('the start page shows each role what waits for it (real HTTP and Postgres)', () => {
  let t: TestApp;
  // Monday 23 November 2026, 09:00 Swedish time.
  const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));
  const users: Record<string, User> = {};
  const ids: Record<string, string> = {};
  const db = (): DataSource => t.app.get(DataSource);

  async function signedIn(user: User): Promise<HttpClient> {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  }

  async function fileAt(key: string, at: string, reporter: User, kommun: string, title: string): Promise<void> {
    clock.set(new Date(at));
    ids[key] = (await fileDeviation(t.app, reporter, kommun, { title, occurredOn: at.slice(0, 10) })).id;
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    users.staff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    users.staffRos = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    users.lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    users.otherLead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    users.analyst = await createUser(t.app, 'analyst');
    users.admin = await createUser(t.app, 'admin');
    const deviations = t.app.get(DeviationService);

    // Östra Södertörn: never accepted since October (late twice over), accepted in October and still
    // open (late to resolve, assigned to the lead), filed this morning (on time), and one closed.
    await fileAt('old', '2026-10-01T09:00:00Z', users.staff, 'Haninge', 'Ingen tog emot remissen');
    await fileAt('accepted', '2026-10-05T09:00:00Z', users.staff, 'Tyresö', 'Väntetid till samverkansteam');
    await fileAt('closed', '2026-10-06T09:00:00Z', users.staff, 'Tyresö', 'Avslutad sedan länge');
    clock.set(new Date('2026-10-06T10:00:00Z'));
    await deviations.transition(authUser(users.otherLead), ids.accepted, 'accept', plainToInstance(DeviationTransitionDto, {}));
    await deviations.assign(authUser(users.otherLead), ids.accepted, users.lead.id);
    await deviations.transition(authUser(users.lead), ids.closed, 'accept', plainToInstance(DeviationTransitionDto, {}));
    await deviations.transition(authUser(users.lead), ids.closed, 'resolve', plainToInstance(DeviationTransitionDto, { resolution: 'Löst med ett gemensamt möte.' }));
    await deviations.transition(authUser(users.lead), ids.closed, 'close', plainToInstance(DeviationTransitionDto, {}));
    await fileAt('fresh', '2026-11-23T07:30:00Z', users.staff, 'Nynäshamn', 'AF och FK hänvisar till varandra');
    // Roslagen: late too, but not Östra Södertörn's business.
    await fileAt('roslagen', '2026-10-01T09:00:00Z', users.staffRos, 'Täby', 'Stängd insats utan ersättare');
    clock.set(new Date('2026-11-23T08:00:00Z'));
  });

  afterAll(async () => {
    await t.close();
  });

  it('a lead sees the open reports of the delprojekt by status, how many are late by the queue\'s rule, and the oldest late ones', async () => {
    const client = await signedIn(users.lead);
    const page = await client.get('/');
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain('3 öppna avvikelser, 2 försenade.');
    // Of the open ones, not of the late ones: the sentence names which.
    expect(text).toContain('3 öppna avvikelser, 2 försenade. Du är ansvarig för 1 av de 3 öppna.');
    expect(text).not.toContain('av dem har du som ansvarig');
    expect(statusRows(page.text)).toEqual([
      ['Ny', '2', '1'],
      ['Mottagen', '1', '1'],
      ['Under utredning', '0', '0'],
      ['Åtgärdad lokalt', '0', '0'],
      ['Strukturellt hinder', '0', '0'],
    ]);
    expect(page.text).toContain('href="/delprojekt/ko?status=ny"');
    // Oldest late first; the report on time, the closed one and Roslagen's are not listed.
    const late = /Äldst försenade<\/h3>([\s\S]*?)<\/ul>/.exec(page.text)?.[1] ?? '';
    expect([...late.matchAll(/href="\/avvikelser\/([^"]+)"/g)].map((m) => m[1])).toEqual([ids.old, ids.accepted]);
    expect(page.text).not.toContain('Stängd insats utan ersättare');

    // The same reports are marked late in the lead's queue.
    const queue = await client.get('/delprojekt/ko');
    expect(queue.status).toBe(200);
    expect(queue.text.match(/class="deviation-item is-overdue"/g) ?? []).toHaveLength(2);

    // "Du är ansvarig för 1 av de 3 öppna" leads to the queue showing just those.
    expect(page.text).toContain('href="/delprojekt/ko?assignee=me"');
    const mine = await client.get('/delprojekt/ko?assignee=me');
    expect(mine.status).toBe(200);
    expect([...mine.text.matchAll(/<h2 class="deviation-title"><a href="\/avvikelser\/([^"]+)"/g)].map((m) => m[1])).toEqual([ids.accepted]);
    const token = await createApiToken(t.app, users.lead);
    const api = await new HttpClient(t.baseUrl).get('/api/deviations?assignee=me', { authorization: `Bearer ${token}` });
    expect(api.json<{ items: Array<{ id: string }> }>().items.map((item) => item.id)).toEqual([ids.accepted]);
    const wrong = await client.get('/delprojekt/ko?assignee=alla');
    expect(wrong.status).toBe(400);
    expect(pageText(wrong.text)).toContain('Ansvarig kan bara vara du själv eller alla.');
  });

  it('the numbers follow the work: once the old report is accepted and investigated it moves on', async () => {
    clock.set(new Date('2026-11-23T08:30:00Z'));
    await t.app.get(DeviationService).transition(authUser(users.lead), ids.old, 'accept', plainToInstance(DeviationTransitionDto, {}));
    await t.app.get(DeviationService).transition(authUser(users.lead), ids.old, 'investigate', plainToInstance(DeviationTransitionDto, {}));
    const page = await (await signedIn(users.lead)).get('/');
    expect(statusRows(page.text).slice(0, 3)).toEqual([
      ['Ny', '1', '0'],
      ['Mottagen', '1', '1'],
      ['Under utredning', '1', '1'],
    ]);
    // Accepting made the lead responsible for the old report as well.
    expect(pageText(page.text)).toContain('3 öppna avvikelser, 2 försenade. Du är ansvarig för 2 av de 3 öppna.');
  });

  it('staff see their own latest reports with status, newest first, and a button to file', async () => {
    const page = await (await signedIn(users.staff)).get('/');
    const text = pageText(page.text);
    expect(text).toContain('Du har rapporterat 4 avvikelser; 3 är inte avslutade.');
    expect(page.text).toContain('href="/avvikelser/ny"');
    const list = /<h2 id="rubrik-mina">[\s\S]*?<ul class="home-list">([\s\S]*?)<\/ul>/.exec(page.text)?.[1] ?? '';
    expect([...list.matchAll(/href="\/avvikelser\/([^"]+)"/g)].map((m) => m[1])).toEqual([ids.fresh, ids.closed, ids.accepted, ids.old]);
    expect(pageText(list)).toContain('Avslutad');
    expect(text).not.toContain('Stängd insats utan ersättare');

    const newcomer = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    expect(pageText((await (await signedIn(newcomer)).get('/')).text)).toContain('Du har inte rapporterat någon avvikelse ännu.');
  });

  it('counts agree in number: one report is "1 avvikelse", one open is "1 öppen avvikelse, 1 försenad"', async () => {
    // Roslagen has exactly one report, open and late since October.
    const staffText = pageText((await (await signedIn(users.staffRos)).get('/')).text);
    expect(staffText).toContain('Du har rapporterat 1 avvikelse; den är inte avslutad än.');
    const leadRos = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen' });
    const leadText = pageText((await (await signedIn(leadRos)).get('/')).text);
    expect(leadText).toContain('1 öppen avvikelse, 1 försenad.');
    expect(leadText).not.toMatch(/\b1 öppna avvikelser|\b1 försenade\b/);
  });

  it('the analyst sees barriers by status, escalated barriers still without a letter, and letters by status', async () => {
    const insertBarrier = async (name: string, status: string, createdAt: string): Promise<string> => {
      const [row] = (await db().query(
        `INSERT INTO barrier (name, status, member_count, created_at, updated_at, escalated_at, escalation_reason)
         VALUES ($1, $2, 4, $3, $3, $4, $5) RETURNING id`,
        [name, status, createdAt, status === 'eskalerad' ? createdAt : null, status === 'eskalerad' ? 'Återkommer i 3 kommuner' : null],
      )) as Array<{ id: string }>;
      return row.id;
    };
    await insertBarrier('Föreslaget hinder', 'foreslagen', '2026-11-20T10:00:00Z');
    const withLetter = await insertBarrier('Eskalerat med skrivelse', 'eskalerad', '2026-09-01T10:00:00Z');
    await insertBarrier('Eskalerat utan skrivelse', 'eskalerad', '2026-09-02T10:00:00Z');
    await insertBarrier('Upplöst hinder', 'upplost', '2026-11-21T10:00:00Z');
    await db().query(
      `INSERT INTO letter (barrier_id, status, recipient, subject, evidence_snapshot, evidence_refreshed_at) VALUES ($1, 'utkast', 'Nationella rådet', 'Skrivelse', '{}', now())`,
      [withLetter],
    );
    const text = pageText((await (await signedIn(users.analyst)).get('/')).text);
    expect(text).toContain('Strukturella hinder – Föreslagen: 1 · Bekräftad: 0 · Eskalerad: 2. Nya senaste veckan: 1');
    expect(text).toContain('1 eskalerat hinder saknar skrivelse.');
    expect(text).toContain('Skrivelser – Utkast: 1 · Granskad: 0 · Skickad: 0 · Besvarad: 0');
  });

  it('an admin is told about mails that could not be sent', async () => {
    await db().query(`UPDATE mail_outbox SET status = 'kept'`);
    expect(pageText((await (await signedIn(users.admin)).get('/')).text)).not.toContain('kunde inte skickas');
    await db().query(`UPDATE mail_outbox SET status = 'failed', last_error = 'Servern svarade inte' WHERE id = (SELECT id FROM mail_outbox ORDER BY created_at LIMIT 1)`);
    const text = pageText((await (await signedIn(users.admin)).get('/')).text);
    expect(text).toContain('1 e-post kunde inte skickas.');
    expect((await (await signedIn(users.admin)).get('/')).text).toContain('href="/admin/utskick"');
  });

  it('an admin sees the delprojekt without an active lead, as on the organisation page, until one has a lead', async () => {
    const withoutLead = async (client: HttpClient): Promise<string[]> => {
      const notice = /<section class="notice-warning without-lead"[\s\S]*?<\/section>/.exec((await client.get('/')).text);
      return notice ? [...notice[0].matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]) : [];
    };
    const admin = await signedIn(users.admin);
    // Östra Södertörn and Roslagen have leads (made by the tests above); the other four have none.
    expect(await withoutLead(admin)).toEqual(['MIA HBS', 'MIA Järfälla', 'MIA Stockholm', 'MIA Södertälje']);
    const page = (await admin.get('/')).text;
    expect(pageText(page)).toContain(
      'Delprojekt utan aktiv delprojektledare Nya avvikelser i de här delprojekten går till verksamhetsutvecklarna i stället för till en delprojektledare. Ge en användare rollen delprojektledare där under Användare.',
    );
    expect(page).toContain('under <a href="/admin/anvandare">Användare</a>');

    const stockholmLead = await createUser(t.app, 'lead', { subproject: 'MIA Stockholm' });
    expect(await withoutLead(admin)).toEqual(['MIA HBS', 'MIA Järfälla', 'MIA Södertälje']);
    // An inactive lead reaches no one, by the same rule.
    await db().query(`UPDATE app_user SET active = false WHERE id = $1`, [stockholmLead.id]);
    expect(await withoutLead(admin)).toContain('MIA Stockholm');
    await db().query(`UPDATE app_user SET active = true WHERE id = $1`, [stockholmLead.id]);
    for (const name of ['MIA HBS', 'MIA Järfälla']) await createUser(t.app, 'lead', { subproject: name });
    expect(await withoutLead(admin)).toEqual(['MIA Södertälje']);
    expect(pageText((await admin.get('/')).text)).toContain('Nya avvikelser i det här delprojektet går till verksamhetsutvecklarna i stället för till en delprojektledare.');
    await createUser(t.app, 'lead', { subproject: 'MIA Södertälje' });
    expect(await withoutLead(admin)).toEqual([]);
    expect((await admin.get('/')).text).not.toContain('Delprojekt utan aktiv delprojektledare');

    // Only the admin is told: it is theirs to fix.
    await db().query(`UPDATE app_user SET active = false WHERE id = $1`, [stockholmLead.id]);
    expect(await withoutLead(admin)).toEqual(['MIA Stockholm']);
    for (const role of ['lead', 'analyst', 'staff']) expect(await withoutLead(await signedIn(users[role]))).toEqual([]);
  });

  it('an address that does not exist gives the 404 page with the menu of whoever is signed in, and JSON under /api', async () => {
    const lead = await signedIn(users.lead);
    const page = await lead.get('/sidan-finns-inte');
    expect(page.status).toBe(404);
    expect(pageText(page.text)).toContain('Sidan eller uppgiften finns inte. Kontrollera adressen.');
    expect(page.text).toContain(users.lead.name);
    expect(page.text).toContain('href="/delprojekt/ko"');

    const anonymous = await new HttpClient(t.baseUrl).get('/sidan-finns-inte');
    expect(anonymous.status).toBe(404);
    expect(anonymous.text).not.toContain('href="/delprojekt/ko"');

    const api = await new HttpClient(t.baseUrl).get('/api/finns-inte');
    expect(api.status).toBe(404);
    expect(api.json<{ error: { code: string } }>().error.code).toBe('not_found');
  });
});
