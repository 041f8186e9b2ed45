import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient } from './support/http-client';
import { startAppWithCapturedLog } from './support/output-capture';
import { summaryOf } from './support/pii-quote';
import { everythingStored } from './support/stored-text';
import { TestApp } from './support/test-app';

/**
 * A number that looks like a mistyped personnummer or samordningsnummer (the check digit fails, or it is
 * written apart) is not personal data to the detector, so the hard check lets it through. A person typing
 * in a form is asked once instead: the page quotes the number masked, and offers "Ta bort numret åt mig"
 * (placeholders, nothing sent) or "Det är inte ett personnummer – skicka ändå". Nothing typed is lost.
 */

/** 1985-03-12 with a check digit that fails; a samordningsnummer (day + 60) likewise; one written apart. */
const MISTYPED = '19850312-1234';
const MISTYPED_MASKED = '••••••••-••34';
const COORDINATION = '850372-1237';
const SPLIT = '850312-123 4';

function question(html: string): { confirm: string | null; hidden: string | null } {
  const summary = summaryOf(html);
  return {
    confirm: /name="_inte_personnummer" value="([^"]+)"[^>]*>Det är (?:inte ett|inga) personnummer – skicka ändå<\/button>/.exec(summary)?.[1] ?? null,
    hidden: /<input type="hidden" form="[^"]+" name="_inte_personnummer" value="([^"]+)">/.exec(summary)?.[1] ?? null,
  };
}

describe('a number that looks like a mistyped personnummer stops a form once', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let logged: string[] = [];
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, logged, restore } = await startAppWithCapturedLog({ clock }));
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
  });
  afterAll(async () => {
    await restore?.();
  });

  const db = (): DataSource => t.app.get(DataSource);
  const count = async (table: string): Promise<number> => (await db().query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const filingFields = async (overrides: Record<string, unknown>): Promise<Record<string, string | string[]>> =>
    deviationBody(await municipalityId(t.app, 'Huddinge'), overrides) as Record<string, string | string[]>;

  it('the filing form stops with the number masked at the field, keeps every field, and stores nothing', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const description = `Kallelsen från FK hade personnummer ${MISTYPED} i stället för deltagarens. AF och FK hänvisar till varandra.`;
    const fields = await filingFields({ description, consequence: `Samordningsnummer ${COORDINATION} fanns inte hos AF, så inget hände.` });
    const asked = await client.postForm('/avvikelser/ny', fields);
    expect(asked.status).toBe(422);

    const summary = summaryOf(asked.text);
    expect(summary).toContain('Texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats ännu.');
    expect(summary).toContain('<a href="#falt-description">Beskrivningen innehåller ett nummer som ser ut som ett personnummer:</a>');
    expect(summary).toContain('<a href="#falt-consequence">Konsekvensen för deltagaren innehåller ett nummer som ser ut som ett samordningsnummer:</a>');
    // Quoted as the hard check quotes, a few words either side, but the number masked: never echoed in full.
    expect(summary).toContain(`…från FK hade personnummer <span class="visually-hidden">Nummer som liknar ett personnummer, bara de två sista siffrorna visas: </span><mark>${MISTYPED_MASKED}</mark>`);
    expect(summary).toContain('<mark>••••••-••37</mark>');
    expect(summary).toContain('>Ta bort numren åt mig</button>');
    expect(summary).toContain('>Det är inga personnummer – skicka ändå</button>');
    expect(summary).not.toContain('Ta bort personuppgifterna åt mig');
    const fieldError = /<div class="error-message" id="fel-description">[\s\S]*?<\/div>/.exec(asked.text)?.[0] ?? '';
    expect(fieldError).toContain(`<mark>${MISTYPED_MASKED}</mark>`);
    for (const part of [MISTYPED, '19850312', '850312', COORDINATION, '850372']) {
      expect(summary).not.toContain(part);
      expect(fieldError).not.toContain(part);
    }

    // Everything typed comes back as it was, the number too, in the field where the writer typed it.
    const { _csrf: token, ...again } = formFieldsOf(asked.text, '/avvikelser/ny');
    expect(token).toHaveLength(1);
    expect(again).toEqual(Object.fromEntries(Object.entries({ ...fields, tried: '' }).map(([key, value]) => [key, Array.isArray(value) ? value : [value]])));
    expect(await count('deviation')).toBe(0);
    expect(await everythingStored(db())).not.toContain('850312');
  });

  it('"Ta bort numret åt mig" puts the placeholder in, sends nothing, and the report then goes through', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const fields = await filingFields({
      title: 'Fel nummer i kallelsen',
      description: `Kallelsen hade ${SPLIT} som nummer. AF och FK hänvisar till varandra.`,
      tried: 'Ringde FK.',
    });
    expect((await client.postForm('/avvikelser/ny', fields)).status).toBe(422);
    const removed = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort-nummer' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Numret är borttaget');
    expect(removed.text).toContain('Det som såg ut som ett personnummer eller samordningsnummer i beskrivningen är utbytt mot en platshållare');
    expect(removed.text).toContain('Inget är skickat än.');
    expect(removed.text).toContain('tryck sedan på ”Skicka avvikelsen”');
    expect(removed.text).not.toContain('error-summary');
    expect(removed.text).not.toContain('850312');
    expect(await count('deviation')).toBe(0);

    const { _csrf: token, ...again } = formFieldsOf(removed.text, '/avvikelser/ny');
    expect(again).toMatchObject({
      title: ['Fel nummer i kallelsen'],
      description: ['Kallelsen hade [personnummer borttaget] som nummer. AF och FK hänvisar till varandra.'],
      tried: ['Ringde FK.'],
      severity: ['medel'],
      parties: ['AF', 'FK'],
    });
    expect((await client.postForm('/avvikelser/ny', again, { csrf: token[0] })).status).toBe(303);
    expect(await db().query('SELECT description FROM deviation')).toEqual([{ description: again.description[0] }]);
  });

  it('"Det är inte ett personnummer – skicka ändå" files the report as typed', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const description = `Ärendet har referensnummer 850312-1234 hos FK. AF och FK hänvisar till varandra.`;
    const fields = await filingFields({ description });
    const asked = await client.postForm('/avvikelser/ny', fields);
    expect(asked.status).toBe(422);
    const { confirm } = question(asked.text);
    expect(confirm).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(asked.text).toContain('>Ta bort numret åt mig</button>');
    const before = await db().query('SELECT count(*)::int AS n FROM deviation WHERE description = $1', [description]);
    expect(before[0].n).toBe(0);

    const sent = await client.postForm('/avvikelser/ny', { ...fields, _inte_personnummer: confirm ?? '' });
    expect(sent.status).toBe(303);
    expect(await db().query('SELECT description FROM deviation WHERE description = $1', [description])).toEqual([{ description }]);
  });

  it('vouched for once, a number is not asked about again when the form comes back for another reason; a new number is', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const description = `Personnr: 690304-0948 stod i remissen. AF och FK hänvisar till varandra.`;
    const fields = await filingFields({ description, severity: '' });
    // Both problems in one round.
    const asked = await client.postForm('/avvikelser/ny', fields);
    expect(asked.status).toBe(422);
    expect(summaryOf(asked.text)).toContain('Välj hur allvarligt det är');
    expect(summaryOf(asked.text)).toContain('Beskrivningen innehåller ett nummer som ser ut som ett personnummer:');
    const { confirm } = question(asked.text);
    expect(confirm).not.toBeNull();

    // "Skicka ändå" with the severity still missing: the form says what else to fix, and carries the answer.
    const stillWrong = await client.postForm('/avvikelser/ny', { ...fields, _inte_personnummer: confirm ?? '' });
    expect(stillWrong.status).toBe(400);
    expect(summaryOf(stillWrong.text)).toContain('Välj hur allvarligt det är');
    expect(summaryOf(stillWrong.text)).not.toContain('ser ut som');
    const { hidden } = question(stillWrong.text);
    expect(hidden).toBe(confirm);

    // Another number typed meanwhile is asked about; the one vouched for is not quoted again.
    const added = await client.postForm('/avvikelser/ny', {
      ...fields,
      severity: 'medel',
      consequence: 'Deltagaren fick vänta. Samordningsnummer 850372-1237 saknades.',
      _inte_personnummer: hidden ?? '',
    });
    expect(added.status).toBe(422);
    expect(summaryOf(added.text)).toContain('Konsekvensen för deltagaren innehåller ett nummer som ser ut som ett samordningsnummer:');
    expect(summaryOf(added.text)).not.toContain('Beskrivningen innehåller');
    const both = question(added.text).confirm ?? '';
    expect(both.split('.')).toHaveLength(2);

    const filed = await client.postForm('/avvikelser/ny', { ...fields, severity: 'medel', _inte_personnummer: hidden ?? '' });
    expect(filed.status).toBe(303);
    expect(await db().query('SELECT description FROM deviation WHERE description = $1', [description])).toEqual([{ description }]);
  });

  it('personal data the check refuses is fixed first: no question about numbers in the same round', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const fields = await filingFields({ description: `Avser 811218-9876, felskrivet som ${MISTYPED} i kallelsen.` });
    const refused = await client.postForm('/avvikelser/ny', fields);
    expect(refused.status).toBe(422);
    expect(summaryOf(refused.text)).toContain('Ta bort personuppgifterna åt mig');
    expect(summaryOf(refused.text)).not.toContain('skicka ändå');
    const removed = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort' });
    const { _csrf: token, ...again } = formFieldsOf(removed.text, '/avvikelser/ny');
    expect(again.description).toEqual([`Avser [personnummer borttaget], felskrivet som ${MISTYPED} i kallelsen.`]);
    // Now the near miss is asked about.
    const asked = await client.postForm('/avvikelser/ny', again, { csrf: token[0] });
    expect(asked.status).toBe(422);
    expect(summaryOf(asked.text)).toContain('Det är inte ett personnummer – skicka ändå');
  });

  it('the report page’s message, status and move forms ask the same way; the status form with a checkbox', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const reporter = await signIn(staff);
    await reporter.get(`/avvikelser/${filed.id}`);
    const message = `Hej! Står det ${MISTYPED} i kallelsen?`;
    const asked = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message });
    expect(asked.status).toBe(422);
    expect(summaryOf(asked.text)).toContain(`<mark>${MISTYPED_MASKED}</mark>`);
    expect(summaryOf(asked.text)).not.toContain(MISTYPED);
    expect(summaryOf(asked.text)).toContain(`form="kommentarformular" name="_personuppgifter" value="ta-bort-nummer" class="button secondary" formnovalidate formaction="/avvikelser/${filed.id}/kommentarer#kommentarer">Ta bort numret åt mig</button>`);
    expect(formFieldsOf(asked.text, `/avvikelser/${filed.id}/kommentarer`).body).toEqual([message]);
    expect(await count('deviation_comment')).toBe(0);
    const removed = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message, _personuppgifter: 'ta-bort-nummer' });
    expect(removed.status).toBe(200);
    expect(formFieldsOf(removed.text, `/avvikelser/${filed.id}/kommentarer`).body).toEqual(['Hej! Står det [personnummer borttaget] i kallelsen?']);
    const confirm = question(asked.text).confirm ?? '';
    expect((await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message, _inte_personnummer: confirm })).status).toBe(303);
    expect(await db().query('SELECT body FROM deviation_comment WHERE deviation_id = $1', [filed.id])).toEqual([{ body: message }]);

    const leadClient = await signIn(lead);
    await leadClient.get(`/avvikelser/${filed.id}`);
    const comment = `Kollade ${SPLIT} med FK.`;
    const status = await leadClient.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept', comment });
    expect(status.status).toBe(422);
    const statusSummary = summaryOf(status.text);
    expect(statusSummary).toContain('<mark>••••••-••3 4</mark>');
    expect(statusSummary).toContain('>Ta bort numret åt mig</button>');
    // A button per action: a checkbox, ticked before pressing one.
    const checkbox = /<input type="checkbox" form="statusformular" name="_inte_personnummer" value="([^"]+)">/.exec(statusSummary)?.[1];
    expect(checkbox).toBeDefined();
    expect(statusSummary).toContain('Kryssa i rutan och välj sedan vad du vill göra med knapparna under texten.');
    expect((await db().query('SELECT status FROM deviation WHERE id = $1', [filed.id]))[0].status).toBe('ny');
    expect((await leadClient.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept', comment, _inte_personnummer: checkbox ?? '' })).status).toBe(303);
    expect((await db().query('SELECT status FROM deviation WHERE id = $1', [filed.id]))[0].status).toBe('mottagen');

    const salem = await municipalityId(t.app, 'Salem');
    const move = await leadClient.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: salem, comment: `Gäller pnr 8503121234.` });
    expect(move.status).toBe(422);
    expect(summaryOf(move.text)).toContain('<mark>••••••••34</mark>');
    const moveRemoved = await leadClient.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: salem, comment: `Gäller pnr 8503121234.`, _personuppgifter: 'ta-bort-nummer' });
    expect(moveRemoved.status).toBe(200);
    expect(formFieldsOf(moveRemoved.text, `/avvikelser/${filed.id}/flytta`)).toMatchObject({ municipalityId: [salem], comment: ['Gäller pnr [personnummer borttaget].'] });
  });

  it('the number asked about never reaches the log', () => {
    const log = logged.join('');
    for (const part of ['19850312', '850312-123', '8503121234', '850372-1237', '690304-0948']) expect(log).not.toContain(part);
  });
});
