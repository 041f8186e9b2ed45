import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('a form posted after the login ended comes back filled in, and can be sent again once signed in', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
  });
  afterAll(() => t.close());

  const db = (): DataSource => t.app.get(DataSource);
  const signIn = async (): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };

  it('filing form: post without a session → the same form, filled and escaped → sign in → send again → stored', async () => {
    const client = await signIn();
    await client.get('/avvikelser/ny');
    // Logged out in another tab.
    expect((await client.postForm('/logga-ut', {})).status).toBe(303);
    expect(client.hasCookie('avv_sid')).toBe(false);

    const title = 'AF <b>och</b> FK "hänvisar" & skickar tillbaka';
    const fields = deviationBody(await municipalityId(t.app, 'Huddinge'), {
      title,
      parties: ['AF', 'REGION'],
      severity: 'hog',
      category: 'regelverk',
      tried: 'Ringde <script>alert(1)</script> två gånger.',
    }) as Record<string, string | string[]>;
    const resumed = await client.postForm('/avvikelser/ny', fields);
    expect(resumed.status).toBe(401);
    expect(resumed.headers.get('cache-control')).toBe('no-store');
    expect(resumed.text).toContain('Din inloggning har gått ut');
    expect(resumed.text).toContain('<a href="/logga-in" target="_blank" rel="noopener">Logga in i en ny flik</a>');
    expect(resumed.text).not.toContain('<script>alert(1)</script>');
    expect(resumed.text).toContain('Ringde &lt;script&gt;alert(1)&lt;/script&gt; två gånger.');
    expect(resumed.text).not.toContain('Hanna Handläggare');
    const again = formFieldsOf(resumed.text, '/avvikelser/ny');
    const { _csrf: token, ...posted } = again;
    expect(posted).toEqual({
      municipalityId: [fields.municipalityId],
      occurredOn: [fields.occurredOn],
      category: ['regelverk'],
      parties: ['AF', 'REGION'],
      title: [title],
      description: [fields.description],
      consequence: [fields.consequence],
      severity: ['hog'],
      tried: ['Ringde <script>alert(1)</script> två gånger.'],
    });
    const [{ count: before }] = (await db().query('SELECT count(*)::int AS count FROM deviation')) as Array<{ count: number }>;
    expect(before).toBe(0);

    // Signs in in a new tab (same browser, same cookies), then sends the re-shown form as it is.
    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(303);
    const sent = await client.postForm('/avvikelser/ny', posted, { csrf: token[0] });
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(/^\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/);
    const rows = (await db().query('SELECT title, tried, severity, parties FROM deviation')) as Array<Record<string, unknown>>;
    expect(rows).toEqual([{ title, tried: 'Ringde <script>alert(1)</script> två gånger.', severity: 'hog', parties: ['AF', 'REGION'] }]);
  });

  it('comment form: the message comes back, nothing of the report is shown, and it is stored after signing in', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const client = await signIn();
    await client.get(`/avvikelser/${filed.id}`);
    await db().query('DELETE FROM user_session WHERE user_id = $1', [staff.id]);

    const body = 'Har ni hört av er till FK? Jag väntar på besked <innan fredag>.';
    const resumed = await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body });
    expect(resumed.status).toBe(401);
    expect(resumed.text).toContain('Din inloggning har gått ut');
    expect(resumed.text).toContain('Jag väntar på besked &lt;innan fredag&gt;.');
    expect(resumed.text).toContain('Det här är ett meddelande i dialogen mellan rapportören och delprojektet.');
    expect(resumed.text).not.toContain('AF och FK hänvisar till varandra');
    const { _csrf: token, ...posted } = formFieldsOf(resumed.text, `/avvikelser/${filed.id}/kommentarer`);
    expect(posted).toEqual({ visibility: ['reporter'], body: [body] });

    expect((await client.login(staff.email, TEST_PASSWORD)).status).toBe(303);
    const sent = await client.postForm(`/avvikelser/${filed.id}/kommentarer`, posted, { csrf: token[0] });
    expect(sent.status).toBe(303);
    const comments = (await db().query('SELECT body FROM deviation_comment WHERE deviation_id = $1', [filed.id])) as Array<{ body: string }>;
    expect(comments).toEqual([{ body }]);
  });

  it('shows nothing posted when the CSRF token is not this browser’s, and a page without a session still goes to the login', async () => {
    const victim = new HttpClient(t.baseUrl);
    await victim.get('/logga-in');
    const attacker = new HttpClient(t.baseUrl);
    await attacker.get('/logga-in');
    const forged = await victim.postForm('/avvikelser/ny', { title: 'Text från en annan webbplats' }, { csrf: attacker.csrfToken });
    expect(forged.status).toBe(403);
    expect(forged.text).not.toContain('Text från en annan webbplats');
    const missing = await victim.postForm('/avvikelser/ny', { title: 'Text från en annan webbplats' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.text).not.toContain('Text från en annan webbplats');

    // A form that is not a text form still goes to the login page, and so does a page.
    const other = await victim.postForm('/avvikelser/00000000-0000-0000-0000-000000000000/status', { action: 'accept' });
    expect(other.status).toBe(303);
    expect(other.location).toBe('/logga-in');
    const page = await victim.get('/avvikelser/ny');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/logga-in?nasta=%2Favvikelser%2Fny');
  });
});

describe('the analyst’s and the lead’s text forms come back too', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let analyst: User;
  let lead: User;
  let staff: User;
  let barrierId: string;
  let letterId: string;

  const db = (): DataSource => t.app.get(DataSource);
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const endSession = (user: User): Promise<unknown> => db().query('DELETE FROM user_session WHERE user_id = $1', [user.id]);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    const [{ id }] = (await db().query(
      `INSERT INTO barrier (name, status, parties, terms, escalation_reason, escalated_at, member_count)
       VALUES ('Krav på inskrivning (KOMMUN, AF)', 'eskalerad', '{KOMMUN,AF}', '{krav}', 'Återkommer i flera kommuner.', $1, 0) RETURNING id`,
      [clock.now()],
    )) as Array<{ id: string }>;
    barrierId = id;
    for (const kommun of ['Haninge', 'Botkyrka', 'Järfälla']) {
      const filed = await fileDeviation(t.app, staff, 'Huddinge', { title: `Krav på inskrivning i ${kommun}` });
      await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrierId, filed.id]);
    }
    await db().query('UPDATE barrier SET member_count = 3 WHERE id = $1', [barrierId]);
    const drafted = await t.app.get(LetterService).upsertDraftForBarrier(barrierId);
    if (!drafted.letterId) throw new Error('Inget utkast skapades');
    letterId = drafted.letterId;
  });
  afterAll(() => t.close());

  it('letter editor: an hour’s text posted after the login ended comes back, and is saved after signing in', async () => {
    const client = await signIn(analyst);
    const editor = await client.get(`/skrivelser/${letterId}`);
    const { _csrf: pageToken, ...fields } = formFieldsOf(editor.text, `/skrivelser/${letterId}`);
    expect(pageToken).toHaveLength(1);
    expect(Object.keys(fields).sort()).toEqual(
      [
        'consequences', 'evidence', 'interfaceRules', 'recipient', 'requestedAction', 'subject', 'summary', 'triedLocally', 'version',
        'referenceNumber', 'signatoryName', 'signatoryTitle', 'contactEmail', 'contactPhone',
      ].sort(),
    );
    expect((await client.postForm('/logga-ut', {})).status).toBe(303);

    const summary = 'Vi har skrivit länge.\n\nKommunen <script>alert(1)</script> kräver "inskrivning" & AF säger nej.';
    // The signatory is typed too (the editor offers the analyst's own name, which must not show here unless posted).
    const posted = { ...fields, summary: [summary], requestedAction: ['Att rådet tar upp frågan.'], signatoryName: ['Signe Skrivare'], referenceNumber: ['Dnr 2026/14'] };
    const resumed = await client.postForm(`/skrivelser/${letterId}`, posted);
    expect(resumed.status).toBe(401);
    expect(resumed.headers.get('cache-control')).toBe('no-store');
    expect(resumed.text).toContain('Din inloggning har gått ut');
    expect(resumed.text).toContain('klicka på ”Spara utkast” igen');
    expect(resumed.text).toContain('Kommunen &lt;script&gt;alert(1)&lt;/script&gt; kräver');
    expect(resumed.text).not.toContain('<script>alert(1)</script>');
    expect(resumed.text).toContain('<label for="falt-summary">Bakgrund och hinder</label>');
    expect(resumed.text).toContain('<button type="submit" class="button">Spara utkast</button>');
    // Nothing that only a signed-in user may see: not the letter's log, status, barrier or who edited it.
    for (const hidden of ['Vera Verksam', 'Krav på inskrivning (KOMMUN', 'rubrik-logg', 'Uppdatera underlaget nu', 'Förhandsgranska']) expect(resumed.text).not.toContain(hidden);
    const { _csrf: token, ...again } = formFieldsOf(resumed.text, `/skrivelser/${letterId}`);
    expect(again).toEqual(posted);
    const before = (await db().query('SELECT summary FROM letter WHERE id = $1', [letterId])) as Array<{ summary: string }>;
    expect(before[0].summary).not.toContain('Vi har skrivit länge.');

    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    const sent = await client.postForm(`/skrivelser/${letterId}`, again, { csrf: token[0] });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/skrivelser/${letterId}?klart=sparat`);
    const rows = (await db().query('SELECT summary, requested_action FROM letter WHERE id = $1', [letterId])) as Array<Record<string, string>>;
    expect(rows).toEqual([{ summary, requested_action: 'Att rådet tar upp frågan.' }]);
  });

  it('letter editor: a post whose CSRF token is not this browser’s shows nothing of it', async () => {
    const victim = new HttpClient(t.baseUrl);
    await victim.get('/logga-in');
    const attacker = new HttpClient(t.baseUrl);
    await attacker.get('/logga-in');
    for (const csrf of [attacker.csrfToken, null]) {
      const forged = await victim.postForm(`/skrivelser/${letterId}`, { summary: 'Text från en annan webbplats', version: '1' }, { csrf });
      expect(forged.status).toBe(403);
      expect(forged.text).not.toContain('Text från en annan webbplats');
    }
  });

  it('a lead’s status change with a comment comes back with the same button, and is done after signing in', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    await endSession(lead);
    const posted = { action: 'accept', comment: 'Vi tar den här <i>direkt</i>.' };
    const resumed = await client.postForm(`/avvikelser/${filed.id}/status`, posted);
    expect(resumed.status).toBe(401);
    expect(resumed.text).toContain('Vi tar den här &lt;i&gt;direkt&lt;/i&gt;.');
    expect(resumed.text).toContain('<button type="submit" class="button" name="action" value="accept">Ta emot</button>');
    expect(resumed.text).not.toContain('AF och FK hänvisar till varandra');
    const { _csrf: token, ...again } = formFieldsOf(resumed.text, `/avvikelser/${filed.id}/status`);
    expect(again).toEqual({ comment: [posted.comment] });

    expect((await client.login(lead.email, TEST_PASSWORD)).status).toBe(303);
    // The browser sends the pressed button's name and value with the fields.
    const sent = await client.postForm(`/avvikelser/${filed.id}/status`, { ...again, action: 'accept' }, { csrf: token[0] });
    expect(sent.status).toBe(303);
    const rows = (await db().query('SELECT status FROM deviation WHERE id = $1', [filed.id])) as Array<{ status: string }>;
    expect(rows).toEqual([{ status: 'mottagen' }]);
  });

  it('the move comment and the barrier page’s rename and local fix come back filled in', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const leadClient = await signIn(lead);
    await leadClient.get(`/avvikelser/${filed.id}`);
    await endSession(lead);
    const botkyrka = await municipalityId(t.app, 'Botkyrka');
    const moved = await leadClient.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: botkyrka, comment: 'Gäller egentligen Botkyrka.' });
    expect(moved.status).toBe(401);
    expect(formFieldsOf(moved.text, `/avvikelser/${filed.id}/flytta`)).toMatchObject({ municipalityId: [botkyrka], comment: ['Gäller egentligen Botkyrka.'] });
    expect(moved.text).toContain('<button type="submit" class="button">Flytta</button>');

    const client = await signIn(analyst);
    await client.get(`/hinder/${barrierId}`);
    await endSession(analyst);
    const renamed = await client.postForm(`/hinder/${barrierId}/namn`, { name: 'Krav på inskrivning hos AF' });
    expect(renamed.status).toBe(401);
    expect(formFieldsOf(renamed.text, `/hinder/${barrierId}/namn`)).toMatchObject({ name: ['Krav på inskrivning hos AF'] });
    expect(renamed.text).not.toContain('Krav på inskrivning i Haninge');
    const fixed = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-11-01', note: 'Ny rutin för samtycke i Huddinge.' });
    expect(fixed.status).toBe(401);
    expect(formFieldsOf(fixed.text, `/hinder/${barrierId}/lokal-atgard`)).toMatchObject({ date: ['2026-11-01'], note: ['Ny rutin för samtycke i Huddinge.'] });
    expect(fixed.text).toContain('<label for="falt-note">Vad gjordes?</label>');
  });

  it('"Markera skickad": the date and the ticked confirmation come back, and the letter is sent after signing in', async () => {
    // Two days after the letter was drafted, so the date posted is not the form's default (today).
    clock.set(new Date('2026-11-25T09:00:00Z'));
    const client = await signIn(analyst);
    expect((await client.postForm(`/skrivelser/${letterId}/status`, { action: 'review' })).status).toBe(303);
    const editor = await client.get(`/skrivelser/${letterId}`);
    const [{ version }] = (await db().query('SELECT version FROM letter WHERE id = $1', [letterId])) as Array<{ version: number }>;
    expect(editor.text).toContain('Markera skickad');
    await endSession(analyst);

    const posted = { version: String(version), action: 'send', sentOn: '2026-11-24', bekraftat: 'ja' };
    const resumed = await client.postForm(`/skrivelser/${letterId}/status`, posted);
    expect(resumed.status).toBe(401);
    expect(resumed.text).toContain('Din inloggning har gått ut');
    expect(resumed.text).toContain('<label for="falt-sentOn">Skickad den</label>');
    expect(resumed.text).toContain('<button type="submit" class="button">Markera skickad</button>');
    for (const hidden of ['Vera Verksam', 'Krav på inskrivning (KOMMUN', 'rubrik-logg']) expect(resumed.text).not.toContain(hidden);
    const { _csrf: token, ...again } = formFieldsOf(resumed.text, `/skrivelser/${letterId}/status`);
    expect(again).toEqual({ version: [String(version)], action: ['send'], sentOn: ['2026-11-24'], bekraftat: ['ja'] });
    // Not ticked: it comes back not ticked (the signed-in page then asks for it).
    const unticked = await client.postForm(`/skrivelser/${letterId}/status`, { ...posted, bekraftat: '' });
    expect(unticked.status).toBe(401);
    expect(formFieldsOf(unticked.text, `/skrivelser/${letterId}/status`)).not.toHaveProperty('bekraftat');
    expect((await db().query('SELECT status FROM letter WHERE id = $1', [letterId])) as unknown[]).toEqual([{ status: 'granskad' }]);

    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    const sent = await client.postForm(`/skrivelser/${letterId}/status`, again, { csrf: token[0] });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/skrivelser/${letterId}?klart=send`);
    const rows = (await db().query(`SELECT status, to_char(sent_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS sent_on FROM letter WHERE id = $1`, [letterId])) as unknown[];
    expect(rows).toEqual([{ status: 'skickad', sent_on: '2026-11-24' }]);
  });
});
