import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { docxParagraphs, docxTableRows, unzipEntries } from './support/docx-reader';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';
import { markedFinding } from './support/pii-quote';

/**
 * Skrivelser end to end on a real Postgres: drafts from a barrier's reports (idempotent), the
 * analyst's form with the personal-data guard, the state machine, DOCX and print page, mails to the
 * reporters when sent, and role checks. The barrier and its reports are inserted directly, so the
 * member texts can hold personal data that filing would refuse: it must never reach the letter.
 */

interface MemberSeed {
  kommun: string;
  occurredOn: string;
  description: string;
  consequence?: string;
  tried?: string | null;
  resolution?: string | null;
  severity?: 'lag' | 'medel' | 'hog';
  structural?: boolean;
  reporter?: User | null;
  reporterEmail?: string | null;
}

/** Personal data seeded into member texts; none of it may appear in a letter, a page or a mail. */
const PII_IN_MEMBERS = ['Anna', 'Svensson', '850312-1231', '850312', '070-123 45 67', 'anna.svensson@example.se', '@example.se', 'Karin', 'Lindqvist', 'Johan', 'Xqzwy', '850312-1234'];

function expectNoMemberPii(text: string): void {
  for (const item of PII_IN_MEMBERS) expect(text).not.toContain(item);
}

describe('skrivelser (letters) over HTTP with a real database', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let db: DataSource;
  let letters: LetterService;
  let analyst: User;
  let staffA: User;
  let staffB: User;
  let lead: User;
  let analystClient: HttpClient;
  let analystToken: string;
  let barrierId: string;
  let letterId: string;

  async function insertBarrier(name: string, parties: string[], terms: string[]): Promise<string> {
    const rows = (await db.query(
      `INSERT INTO barrier (name, name_source, status, parties, terms, escalation_reason, escalated_at, member_count)
       VALUES ($1, 'analyst', 'eskalerad', $2, $3, 'Återkommer i flera kommuner.', $4, 0) RETURNING id`,
      [name, parties, terms, clock.now()],
    )) as Array<{ id: string }>;
    return rows[0].id;
  }

  async function addMember(barrier: string, seed: MemberSeed): Promise<string> {
    const rows = (await db.query(
      `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1)
       INSERT INTO deviation (municipality_id, subproject_id, reporter_id, reporter_email, occurred_on, reported_at, category, parties,
                              title, description, consequence, tried, severity, status, resolution, escalated_at)
       SELECT p.id, p.subproject_id, $2, $3, $4, ($4::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'gransnitt', '{FK,AF}',
              'FK och AF hänvisar till varandra', $5, $6, $7, $8, $9, $10, $11
         FROM place p
       RETURNING id`,
      [
        seed.kommun,
        seed.reporter?.id ?? null,
        seed.reporter ? null : (seed.reporterEmail ?? null),
        seed.occurredOn,
        seed.description,
        seed.consequence ?? '',
        seed.tried ?? null,
        seed.severity ?? 'medel',
        seed.structural ? 'strukturellt_hinder' : 'mottagen',
        seed.resolution ?? null,
        seed.structural ? clock.now() : null,
      ],
    )) as Array<{ id: string }>;
    if (!rows[0]) throw new Error(`Ingen kommun ${seed.kommun}`);
    await db.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrier, rows[0].id]);
    await db.query(`UPDATE barrier SET member_count = member_count + 1 WHERE id = $1`, [barrier]);
    return rows[0].id;
  }

  async function letterRow(id: string): Promise<Record<string, unknown>> {
    return ((await db.query(`SELECT * FROM letter WHERE id = $1`, [id])) as Array<Record<string, unknown>>)[0];
  }

  async function signIn(user: User): Promise<HttpClient> {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  }

  async function download(path: string, token: string): Promise<{ status: number; type: string | null; disposition: string | null; body: Buffer }> {
    const response = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      disposition: response.headers.get('content-disposition'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);
    letters = t.app.get(LetterService);
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
    staffA = await createUser(t.app, 'staff', { email: 'rapportor.a@test.mia.se' });
    staffB = await createUser(t.app, 'staff', { email: 'rapportor.b@test.mia.se', subproject: 'MIA HBS' });
    lead = await createUser(t.app, 'lead');
    analystClient = await signIn(analyst);
    analystToken = await createApiToken(t.app, analyst);

    barrierId = await insertBarrier('Glapp mellan FK och AF när sjukpenningen upphör', ['FK', 'AF'], ['sjukpenning', 'arbetsförmåga', 'inskrivning']);
    const seeds: MemberSeed[] = [
      {
        kommun: 'Haninge',
        occurredOn: '2018-01-15',
        description: 'Försäkringskassan drog in sjukpenningen efter dag 180 och Arbetsförmedlingen bedömde att arbetsförmågan var för låg för inskrivning.',
        consequence: 'Deltagaren blev utan ersättning och utan stöd i tre månader.',
        severity: 'hog',
        reporter: staffA,
      },
      {
        kommun: 'Haninge',
        occurredOn: '2018-02-20',
        description: 'Deltagaren Anna Svensson (850312-1231) fick avslag från FK. Ring henne på 070-123 45 67 eller anna.svensson@example.se.',
        consequence: 'Karin Lindqvist förlorade sin SGI.',
        tried: 'Johan på AF kontaktades två gånger.',
        reporter: staffA,
      },
      {
        kommun: 'Botkyrka',
        occurredOn: '2018-05-03',
        description: 'FK bedömde arbetsförmågan mot hela arbetsmarknaden och AF ville inte skriva in personen eftersom hen inte kunde arbeta.',
        resolution: 'Trepartsmöte med FK och AF utan resultat; eskalerat.',
        structural: true,
        severity: 'hog',
        reporter: staffB,
      },
      {
        kommun: 'Salem',
        occurredOn: '2018-08-10',
        description: 'Sjukpenningen upphörde och AF hänvisade tillbaka till vården. Ingen insats kunde erbjudas.',
        reporterEmail: 'extern.rapportor@kommun.example.org',
      },
      { kommun: 'Järfälla', occurredOn: '2018-11-30', description: 'AF skrev inte in deltagaren efter att FK dragit in sjukpenningen; deltagaren står utan försörjning.' },
      {
        kommun: 'Södertälje',
        occurredOn: '2019-01-12',
        description: 'Gäller 850312-1234. Deltagaren Xqzwy fick besked från FK om indragen sjukpenning och AF sa att hon inte kan skrivas in.',
        reporter: staffB,
      },
      { kommun: 'Stockholm', occurredOn: '2019-02-01', description: 'Efter dag 365 ansåg FK att personen kunde arbeta, men AF bedömde motsatsen. Deltagaren hamnade mellan stolarna.' },
      { kommun: 'Täby', occurredOn: '2019-02-20', description: 'FK avslog fortsatt sjukpenning och AF erbjöd inga insatser på grund av för låg arbetsförmåga.', severity: 'hog' },
    ];
    for (const seed of seeds) await addMember(barrierId, seed);
  });
  afterAll(() => t.close());

  it('upsertDraftForBarrier builds one draft from the members, and a rerun neither duplicates nor changes it', async () => {
    const first = await letters.upsertDraftForBarrier(barrierId);
    expect(first.outcome).toBe('created');
    letterId = first.letterId as string;
    const second = await letters.upsertDraftForBarrier(barrierId);
    expect(second).toEqual({ outcome: 'unchanged', letterId });
    expect(((await db.query(`SELECT count(*)::int AS n FROM letter WHERE barrier_id = $1`, [barrierId])) as Array<{ n: number }>)[0].n).toBe(1);

    const row = await letterRow(letterId);
    expect(row.status).toBe('utkast');
    expect(row.version).toBe(1);
    expect(row.recipient).toBe('Nationella rådet för finansiell samordning');
    expect(row.subject).toBe('Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör');
    const snapshot = row.evidence_snapshot as { reportCount: number; municipalities: unknown[]; subprojects: unknown[]; quarters: Array<{ label: string; count: number }>; excerpts: unknown[] };
    expect(snapshot.reportCount).toBe(8);
    expect(snapshot.municipalities).toHaveLength(7);
    expect(snapshot.subprojects).toHaveLength(6);
    expect(snapshot.quarters.map((q) => `${q.label}:${q.count}`)).toEqual(['2018 K1:2', '2018 K2:1', '2018 K3:1', '2018 K4:1', '2019 K1:3']);
    expect(snapshot.excerpts.length).toBeGreaterThanOrEqual(3);
    expect(snapshot.excerpts.length).toBeLessThanOrEqual(5);
    for (const field of ['summary', 'evidence', 'consequences', 'tried_locally', 'interface_rules', 'requested_action']) {
      expect(String(row[field]).length).toBeGreaterThan(20);
      expectNoMemberPii(String(row[field]));
    }
    expectNoMemberPii(JSON.stringify(row.evidence_snapshot));
    expect(row.interface_rules).toContain('Arbetsförmedlingens och Försäkringskassans regelverk');
    expect(row.tried_locally).toContain('Trepartsmöte med FK och AF utan resultat');

    const events = (await db.query(`SELECT kind, actor_id FROM letter_event WHERE letter_id = $1 ORDER BY id`, [letterId])) as Array<{ kind: string; actor_id: string | null }>;
    expect(events).toEqual([{ kind: 'created', actor_id: null }]);
  });

  it('three concurrent runs for a new barrier make exactly one draft', async () => {
    const other = await insertBarrier('Läkarintyg saknas eller dröjer', ['REGION', 'FK'], ['läkarintyg']);
    await addMember(other, { kommun: 'Tyresö', occurredOn: '2019-03-01', description: 'Vårdcentralen skrev inget intyg och FK kunde inte fatta beslut om ersättning.' });
    await addMember(other, { kommun: 'Huddinge', occurredOn: '2019-04-01', description: 'Intyget beskrev inte aktivitetsbegränsningen och FK begärde komplettering.' });
    const outcomes = await Promise.all([1, 2, 3].map(() => letters.upsertDraftForBarrier(other)));
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.letterId)).size).toBe(1);
    expect(((await db.query(`SELECT count(*)::int AS n FROM letter WHERE barrier_id = $1`, [other])) as Array<{ n: number }>)[0].n).toBe(1);
  });

  it('the job drafts several barriers at once: each as a single draft would be, and one failing does not stop the others', async () => {
    const first = await insertBarrier('Aktivitetsersättning upphör utan övergång', ['FK', 'KOMMUN'], ['aktivitetsersättning']);
    await addMember(first, { kommun: 'Botkyrka', occurredOn: '2019-05-02', description: 'Aktivitetsersättningen upphörde och kommunen kunde inte bevilja bistånd förrän beslutet vunnit laga kraft.' });
    await addMember(first, { kommun: 'Salem', occurredOn: '2019-06-11', description: 'FK drog in aktivitetsersättningen och socialtjänsten krävde ett nytt beslut innan stöd kunde ges.' });
    const empty = await insertBarrier('Utan rapporter', ['FK', 'AF'], ['tom']);
    const second = await insertBarrier('Sjukskrivning under insats', ['AF', 'FK'], ['sjukskrivning']);
    await addMember(second, { kommun: 'Huddinge', occurredOn: '2019-07-01', description: 'Deltagaren sjukskrevs under arbetsträningen och AF avslutade insatsen utan att FK tog över.' });

    const failed = await letters.upsertDraftsForBarriers([first, empty, second]);
    expect([...failed.keys()]).toEqual([empty]);
    const drafted = (await db.query(`SELECT barrier_id FROM letter WHERE barrier_id = ANY($1::uuid[]) ORDER BY barrier_id`, [[first, empty, second]])) as Array<{ barrier_id: string }>;
    expect(drafted.map((row) => row.barrier_id)).toEqual([first, second].sort());
    // What the batch wrote is exactly what a draft of its own would write.
    expect((await letters.upsertDraftForBarrier(first)).outcome).toBe('unchanged');
    expect((await letters.upsertDraftForBarrier(second)).outcome).toBe('unchanged');
  });

  it('lists the letters and opens the editor with every section in a textarea', async () => {
    const list = await analystClient.get('/skrivelser');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<h1>Skrivelser</h1>');
    expect(list.text).toContain(`href="/skrivelser/${letterId}"`);
    expect(list.text).toContain('Glapp mellan FK och AF när sjukpenningen upphör');
    expect(list.text).toContain('Utkast');
    expect(list.text).toContain('href="/skrivelser" aria-current="page"');

    const page = await analystClient.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    for (const field of ['recipient', 'summary', 'evidence', 'consequences', 'triedLocally', 'interfaceRules', 'requestedAction']) {
      expect(page.text).toContain(`<textarea id="falt-text-${field}" name="${field}"`);
    }
    expect(page.text).toContain('name="subject"');
    expect(page.text).toContain('name="version" value="1"');
    expect(page.text).toContain('Rapporter per kvartal');
    // Granska submits the editor's form, so the text is saved first.
    expect(page.text).toContain(`<button type="submit" form="textformular" formaction="/skrivelser/${letterId}/status" name="action" value="review"`);
    expectNoMemberPii(page.text.replace(/Vera Verksam/g, ''));
  });

  function formFrom(row: Record<string, unknown>, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      version: String(row.version),
      recipient: String(row.recipient),
      subject: String(row.subject),
      summary: String(row.summary),
      evidence: String(row.evidence),
      consequences: String(row.consequences),
      triedLocally: String(row.tried_locally),
      interfaceRules: String(row.interface_rules),
      requestedAction: String(row.requested_action),
      ...overrides,
    };
  }

  it('refuses personal data in any field with kind and a quote of the place (the API: kind and position), saves nothing and keeps what was typed', async () => {
    const before = await letterRow(letterId);
    await analystClient.get(`/skrivelser/${letterId}`);
    const typed = 'Kontakta handläggaren Per Andersson på 08-123 456 78 för mer information.';
    const result = await analystClient.postForm(`/skrivelser/${letterId}`, formFrom(before, { requestedAction: typed }));
    expect(result.status).toBe(422);
    expect(result.text).toContain('Begäran innehåller något som liknar ett namn och ett telefonnummer:');
    expect(result.text).toContain(`<q class="pii-quote">Kontakta handläggaren ${markedFinding('Per Andersson')} på ${markedFinding('08-123 456 78')} för mer information.</q>`);
    expect(result.text).toContain('Inget har sparats');
    expect(result.text).toContain(typed);
    const after = await letterRow(letterId);
    expect(after.requested_action).toBe(before.requested_action);
    expect(after.version).toBe(1);

    const api = await analystClient.api('PATCH', `/api/letters/${letterId}`, { ...formFrom(before), version: 1, recipient: 'Anna Svensson, FK' }, analystToken);
    expect(api.status).toBe(422);
    const body = api.json<{ error: { code: string; fields: Array<{ field: string }>; details: { findings: Array<{ field: string; kind: string; start: number; end: number }> } } }>();
    expect(body.error.code).toBe('personal_data_found');
    expect(body.error.fields[0].field).toBe('recipient');
    expect(body.error.details.findings).toEqual([{ field: 'recipient', kind: 'namn', start: 0, end: 13 }]);
    expect(api.text).not.toContain('Svensson');
  });

  it('saves the analyst\'s edit with a new version, refuses a stale version and keeps the typed text', async () => {
    const before = await letterRow(letterId);
    await analystClient.get(`/skrivelser/${letterId}`);
    const summary = 'MIA vill uppmärksamma rådet på att deltagare blir utan både ersättning och stöd när sjukpenningen upphör.';
    const saved = await analystClient.postForm(`/skrivelser/${letterId}`, formFrom(before, { summary, recipient: 'Nationella rådet för finansiell samordning\nBox 123\n111 11 Stockholm' }));
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/skrivelser/${letterId}?klart=sparat`);
    const after = await letterRow(letterId);
    expect(after.summary).toBe(summary);
    expect(after.version).toBe(2);
    expect(after.updated_by_id).toBe(analyst.id);
    expect((await analystClient.get(saved.location as string)).text).toContain('Utkastet är sparat.');

    const stale = await analystClient.postForm(`/skrivelser/${letterId}`, formFrom(before, { summary: 'En äldre version av texten som inte får skriva över.' }));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Skrivelsen har ändrats sedan du öppnade den');
    expect(stale.text).toContain('En äldre version av texten som inte får skriva över.');
    expect(stale.text).toContain('name="version" value="2"');
    expect((await letterRow(letterId)).summary).toBe(summary);

    const empty = await analystClient.postForm(`/skrivelser/${letterId}`, formFrom(after, { subject: '', summary: '' }));
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Skriv en ämnesrad');
    expect(empty.text).toContain('Beskriv hindret.');
  });

  it('a rerun after new reports refreshes the evidence and untouched sections, and leaves the analyst\'s text alone', async () => {
    const before = await letterRow(letterId);
    await addMember(barrierId, { kommun: 'Nynäshamn', occurredOn: '2019-03-15', description: 'Sjukpenningen drogs in och AF kunde inte erbjuda något; deltagaren fick söka ekonomiskt bistånd.' });
    const result = await letters.upsertDraftForBarrier(barrierId);
    expect(result).toEqual({ outcome: 'refreshed', letterId });
    const after = await letterRow(letterId);
    expect(after.summary).toBe(before.summary);
    expect(after.recipient).toBe(before.recipient);
    expect(after.evidence).not.toBe(before.evidence);
    expect(after.evidence).toContain('nio avvikelserapporter från åtta kommuner');
    expect((after.evidence_snapshot as { reportCount: number }).reportCount).toBe(9);
    expect(after.version).toBe(Number(before.version) + 1);
    // The job is no user: who last edited stays the analyst.
    expect(after.updated_by_id).toBe(analyst.id);
    expect(((await db.query(`SELECT count(*)::int AS n FROM letter WHERE barrier_id = $1`, [barrierId])) as Array<{ n: number }>)[0].n).toBe(1);

    // The editor offers the new proposal for the edited section without touching it.
    const page = await analystClient.get(`/skrivelser/${letterId}`);
    expect(page.text).toContain('Nytt förslag ur rapporterna för ”Bakgrund och hinder”');
  });

  it('downloads the DOCX over HTTP: evidence present, no personal data', async () => {
    const file = await download(`/skrivelser/${letterId}.docx`, analystToken);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(file.disposition).toMatch(/^attachment; filename="skrivelse-angaende-glapp-mellan-fk-och-af[a-z0-9-]*-2026-11-23\.docx"$/);
    const entries = unzipEntries(file.body);
    const xml = entries.get('word/document.xml')?.toString('utf8') ?? '';
    expect(xml.length).toBeGreaterThan(1000);
    const paragraphs = docxParagraphs(xml);
    const text = paragraphs.join('\n');

    expect(paragraphs).toContain('Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör');
    expect(paragraphs).toContain('Nationella rådet för finansiell samordning');
    expect(paragraphs).toContain('Datum: 2026-11-23');
    for (const heading of ['Bakgrund och hinder', 'Underlag', 'Konsekvenser för deltagarna', 'Vad som har prövats lokalt', 'Parter och regelverk som möts', 'Vad vi begär', 'Rapporter per kvartal', 'Rapporter per kommun']) {
      expect(paragraphs).toContain(heading);
    }
    // The draft was never saved: signed as the editor offers it to the analyst who downloads it.
    expect(paragraphs.slice(paragraphs.indexOf('Med vänlig hälsning'), paragraphs.indexOf('Med vänlig hälsning') + 4)).toEqual([
      'Med vänlig hälsning',
      'Vera Verksam',
      'Verksamhetsutvecklare',
      'MIA – Mobilisering inför arbete',
    ]);
    expect(text).toContain('nio avvikelserapporter från åtta kommuner');
    expect(text).toContain('Arbetsförmedlingens och Försäkringskassans regelverk');

    const rows = docxTableRows(xml);
    expect(rows).toContainEqual(['Antal rapporter', '9']);
    expect(rows).toContainEqual(['Antal kommuner', '8']);
    expect(rows).toContainEqual(['Antal delprojekt', '6']);
    expect(rows).toContainEqual(['Period', '2018-01-15 – 2019-03-15']);
    expect(rows).toContainEqual(['2018 K1', '2']);
    expect(rows).toContainEqual(['2019 K1', '4']);
    expect(rows).toContainEqual(['Haninge', 'MIA Östra Södertörn', '2']);
    expect(rows).toContainEqual(['Botkyrka', 'MIA HBS', '1']);

    // Nothing of the seeded personal data anywhere in the package, not only in the body text.
    for (const [name, content] of entries) {
      if (name.endsWith('.xml') || name.endsWith('.rels')) expectNoMemberPii(content.toString('utf8'));
    }
    expect(entries.get('docProps/core.xml')?.toString('utf8')).toContain('Skrivelse angående glapp');
  });

  it('shows a print-ready page with the same letter', async () => {
    const page = await analystClient.get(`/skrivelser/${letterId}/utskrift`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('href="/static/letter.css"');
    expect(page.text).toContain('<h1 class="letter-subject">Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör</h1>');
    expect(page.text).toContain('Box 123<br>111 11 Stockholm');
    expect(page.text).toContain('<caption>Rapporter per kvartal</caption>');
    expect(page.text).toContain('<p class="letter-signature-lines">Vera Verksam<br>Verksamhetsutvecklare<br>MIA – Mobilisering inför arbete<br>E-post: ');
    expect(page.text).toContain('class="letter-draft-mark">Utkast');
    expectNoMemberPii(page.text);
    const css = await analystClient.get('/static/letter.css');
    expect(css.status).toBe(200);
    expect(css.text).toContain('@media print');
  });

  it('refuses invalid state changes in Swedish and walks utkast → granskad → skickad → besvarad', async () => {
    await analystClient.get(`/skrivelser/${letterId}`);
    const early = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'send' });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Skrivelsen måste vara granskad innan den markeras som skickad. Skrivelsen är nu ett utkast.');
    const earlyAnswer = await analystClient.api('POST', `/api/letters/${letterId}/transitions`, { action: 'answer', answer: 'Tack för skrivelsen.' }, analystToken);
    expect(earlyAnswer.status).toBe(409);
    expect(earlyAnswer.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'letter_invalid_transition',
      message: 'Svar kan bara registreras på en skickad skrivelse. Skrivelsen är nu ett utkast.',
    });
    const unknown = await analystClient.api('POST', `/api/letters/${letterId}/transitions`, { action: 'publish' }, analystToken);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Välj vad som ska göras');

    const reviewed = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'review' });
    expect(reviewed.status).toBe(303);
    let row = await letterRow(letterId);
    expect(row.status).toBe('granskad');
    expect(row.reviewed_by_id).toBe(analyst.id);

    // A reviewed letter is neither edited by the form nor touched by the job.
    const page = await analystClient.get(`/skrivelser/${letterId}`);
    expect(page.text).not.toContain('name="summary"');
    const edit = await analystClient.postForm(`/skrivelser/${letterId}`, formFrom(row, { summary: 'Ny text efter granskning.' }));
    expect(edit.status).toBe(409);
    expect(edit.text).toContain('Skrivelsen är granskad och kan inte ändras.');
    await addMember(barrierId, { kommun: 'Tyresö', occurredOn: '2019-03-20', description: 'FK drog in sjukpenningen och AF kunde inte skriva in deltagaren.' });
    expect(await letters.upsertDraftForBarrier(barrierId)).toEqual({ outcome: 'locked', letterId });
    expect((await letterRow(letterId)).version).toBe(row.version);
    expect(await db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'letter-sent'`)).toEqual([{ n: 0 }]);

    await analystClient.get(`/skrivelser/${letterId}`);
    const sent = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'send', version: String(row.version), sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(sent.status).toBe(303);
    row = await letterRow(letterId);
    expect(row.status).toBe('skickad');
    expect(row.sent_by_id).toBe(analyst.id);
    expect((row.sent_at as Date).toISOString()).toBe(clock.now().toISOString());

    await analystClient.get(`/skrivelser/${letterId}`);
    const noAnswer = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'answer', answer: '  ' });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.text).toContain('Skriv mottagarens svar');
    const piiAnswer = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'answer', answer: 'Svar från Anna Svensson på rådets kansli.' });
    expect(piiAnswer.status).toBe(422);
    expect(piiAnswer.text).toContain('Svaret innehåller något som liknar ett namn');
    expect((await letterRow(letterId)).status).toBe('skickad');

    const answered = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'answer', answer: 'Rådet tar upp frågan på sitt möte i februari och återkommer.' });
    expect(answered.status).toBe(303);
    row = await letterRow(letterId);
    expect(row.status).toBe('besvarad');
    expect(row.answer).toBe('Rådet tar upp frågan på sitt möte i februari och återkommer.');
    expect(row.answered_at).not.toBeNull();
    const shown = await analystClient.get(`/skrivelser/${letterId}`);
    expect(shown.text).toContain('Rådet tar upp frågan på sitt möte i februari och återkommer.');

    // The job does not start a new letter after an answer; the analyst may.
    expect(await letters.upsertDraftForBarrier(barrierId)).toEqual({ outcome: 'answered', letterId });
    const events = (await db.query(`SELECT kind FROM letter_event WHERE letter_id = $1 ORDER BY id`, [letterId])) as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).toEqual(['created', 'edited', 'refreshed', 'reviewed', 'sent', 'answered']);
    await expect(db.query(`UPDATE letter_event SET kind = 'edited' WHERE letter_id = $1`, [letterId])).rejects.toThrow(/bara kan läggas till/);
  });

  it('marking it sent mailed each reporter once, naming their reports and nothing personal', async () => {
    const mails = (await db.query(`SELECT recipients, subject, text, html, dedupe_key FROM mail_outbox WHERE template = 'letter-sent' ORDER BY recipients`)) as Array<{
      recipients: string[];
      subject: string;
      text: string;
      html: string;
      dedupe_key: string;
    }>;
    expect(mails.map((m) => m.recipients)).toEqual([['extern.rapportor@kommun.example.org'], ['rapportor.a@test.mia.se'], ['rapportor.b@test.mia.se']]);
    const references = (await db.query(
      `SELECT d.reference, d.reporter_id FROM deviation d JOIN barrier_member bm ON bm.deviation_id = d.id WHERE bm.barrier_id = $1 ORDER BY d.reference`,
      [barrierId],
    )) as Array<{ reference: string; reporter_id: string | null }>;
    const mailA = mails[1];
    expect(mailA.subject).toBe('Dina avvikelserapporter ingår i en skrivelse till Nationella rådet för finansiell samordning');
    for (const ref of references.filter((r) => r.reporter_id === staffA.id)) expect(mailA.text).toContain(ref.reference);
    for (const ref of references.filter((r) => r.reporter_id === staffB.id)) expect(mailA.text).not.toContain(ref.reference);
    expect(mailA.text).toContain('Glapp mellan FK och AF när sjukpenningen upphör');
    expect(mailA.text).toContain('/avvikelser/mina');
    expect(mails[0].subject).toBe('Din avvikelserapport ingår i en skrivelse till Nationella rådet för finansiell samordning');
    expect(mails[1].dedupe_key).toBe(`letter-sent:${letterId}:rapportor.a@test.mia.se`);
    for (const mail of mails) expectNoMemberPii(`${mail.subject}\n${mail.text}\n${mail.html}`);
  });

  it('the analyst can start a follow-up letter after the answer, from the list page', async () => {
    const list = await analystClient.get('/skrivelser');
    expect(list.text).toContain(`<option value="${barrierId}">Glapp mellan FK och AF när sjukpenningen upphör (eskalerat)</option>`);
    const created = await analystClient.postForm('/skrivelser', { barrierId });
    expect(created.status).toBe(303);
    const rows = (await db.query(`SELECT id, status FROM letter WHERE barrier_id = $1 ORDER BY created_at, id`, [barrierId])) as Array<{ id: string; status: string }>;
    expect(rows.map((r) => r.status).sort()).toEqual(['besvarad', 'utkast']);
    const followUp = rows.find((r) => r.status === 'utkast') as { id: string };
    expect(created.location).toBe(`/skrivelser/${followUp.id}?klart=created`);
    expect((await letterRow(followUp.id)).created_by_id).toBe(analyst.id);

    const bad = await analystClient.postForm('/skrivelser', { barrierId: 'inte-ett-id' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Välj ett strukturellt hinder.');
  });

  it('the JSON API lists and shows letters for analysts', async () => {
    const list = await analystClient.api('GET', '/api/letters', undefined, analystToken);
    expect(list.status).toBe(200);
    const items = list.json<Array<{ id: string; status: string; reportCount: number }>>();
    expect(items.find((i) => i.id === letterId)).toMatchObject({ status: 'besvarad', reportCount: 9 });
    const one = await analystClient.api('GET', `/api/letters/${letterId}`, undefined, analystToken);
    expect(one.json<{ statusLabel: string; actions: string[]; paths: { docx: string } }>()).toMatchObject({
      statusLabel: 'Besvarad',
      actions: [],
      paths: { docx: `/skrivelser/${letterId}.docx` },
    });
    expect((await analystClient.api('GET', '/api/letters/00000000-0000-0000-0000-000000000000', undefined, analystToken)).status).toBe(404);
    expect((await analystClient.get('/skrivelser/inte-ett-id')).status).toBe(404);
  });

  it.each(['staff', 'lead'] as const)('a %s gets 403 on every letter page, the DOCX and the API, and no menu item', async (role) => {
    const user = role === 'staff' ? staffA : lead;
    const client = await signIn(user);
    for (const path of ['/skrivelser', `/skrivelser/${letterId}`, `/skrivelser/${letterId}/utskrift`, `/skrivelser/${letterId}.docx`]) {
      expect((await client.get(path)).status).toBe(403);
    }
    const token = await createApiToken(t.app, user);
    expect((await client.api('GET', '/api/letters', undefined, token)).status).toBe(403);
    expect((await client.api('POST', `/api/letters/${letterId}/transitions`, { action: 'review' }, token)).status).toBe(403);
    expect((await download(`/skrivelser/${letterId}.docx`, token)).status).toBe(403);
    const home = await client.get('/');
    expect(home.text).not.toContain('href="/skrivelser"');
  });

  it('a form post without the CSRF token is refused', async () => {
    const result = await analystClient.postForm(`/skrivelser/${letterId}/status`, { action: 'review' }, { csrf: null });
    expect(result.status).toBe(403);
  });

  it('quotes nothing that says the matter was settled locally, and no bare "Personnr: [… borttaget]." (snapshot, DOCX, print page)', async () => {
    const barrier = await insertBarrier('Sjukpenning upphör utan inskrivning på AF', ['FK', 'AF'], ['sjukpenning']);
    for (const seed of [
      { kommun: 'Haninge', occurredOn: '2019-04-02', description: 'Personnr: 850312-1231. FK drog in sjukpenningen och AF skrev inte in deltagaren.', tried: 'Ringde handläggaren, frågan löst lokalt.' },
      { kommun: 'Botkyrka', occurredOn: '2019-04-10', description: 'AF ville inte skriva in deltagaren förrän FK fattat beslut om sjukpenningen.', resolution: 'Internt fel rättat i vår rutin för kallelser.' },
      { kommun: 'Salem', occurredOn: '2019-05-05', description: 'FK och AF hänvisar till varandra när sjukpenningen upphör.', tried: 'Trepartsmöte med FK och AF, ingen ville ta ansvar.' },
    ] satisfies MemberSeed[]) {
      await addMember(barrier, seed);
    }
    const id = (await letters.upsertDraftForBarrier(barrier)).letterId as string;
    const row = await letterRow(id);
    const snapshot = row.evidence_snapshot as { excerpts: Array<{ text: string }>; triedLocally: Array<{ text: string }> };
    expect(snapshot.triedLocally.map((q) => q.text)).toEqual(['Trepartsmöte med FK och AF, ingen ville ta ansvar.']);
    expect(snapshot.excerpts.map((q) => q.text)).toContain('FK drog in sjukpenningen och AF skrev inte in deltagaren.');

    const xml = unzipEntries((await download(`/skrivelser/${id}.docx`, analystToken)).body).get('word/document.xml')?.toString('utf8') ?? '';
    const page = await analystClient.get(`/skrivelser/${id}/utskrift`);
    expect(page.status).toBe(200);
    for (const text of [docxParagraphs(xml).join('\n'), page.text]) {
      expect(text).toContain('Trepartsmöte med FK och AF, ingen ville ta ansvar.');
      expect(text).toContain('FK drog in sjukpenningen och AF skrev inte in deltagaren.');
      expect(text).not.toContain('löst lokalt');
      expect(text).not.toContain('Internt fel rättat');
      expect(text).not.toContain('Personnr');
    }
  });
});
