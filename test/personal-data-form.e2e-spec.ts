import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { AppLogger } from '../src/common/logging/app-logger';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { insertEscalatedBarrier } from './support/barrier-factories';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient, HttpResult } from './support/http-client';
import { TestApp } from './support/test-app';
import { containsTrace, markedFinding, PARTICIPANT, PARTICIPANT_TRACES, summaryOf } from './support/pii-quote';
import { everythingStored } from './support/stored-text';
import { startAppWithCapturedLog } from './support/output-capture';

/**
 * Personal data refused on a form, as a writer on a phone meets it: the page quotes a few of their own
 * words around each finding with the finding marked (no character positions), and "Ta bort
 * personuppgifterna åt mig" shows the form again with placeholders, storing nothing until they send it.
 * The found text goes back to that browser only: never to the log, the database or the API's answer.
 */

const { PERSONNUMMER, PHONE, NAME, EMAIL } = PARTICIPANT;
const FOUND = PARTICIPANT_TRACES;

describe('personal data on a form: where it is in words, and a button that takes it out', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let analyst: User;
  /** Everything written to stdout and stderr while the app runs (the real AppLogger, at debug level), kept out of the test output. */
  let logged: string[] = [];
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, logged, restore } = await startAppWithCapturedLog({ clock }));
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
  });
  afterAll(async () => {
    await restore?.();
  });

  const db = (): DataSource => t.app.get(DataSource);
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };

  const expectNowhereButTheResponse = async (): Promise<void> => {
    const stored = await everythingStored(db());
    const log = logged.join('');
    for (const found of FOUND) {
      expect({ found, stored: containsTrace(stored, found), logged: containsTrace(log, found) }).toEqual({ found, stored: false, logged: false });
    }
  };

  it('the refused filing form quotes the words around each finding with the finding marked, escaped, and no character positions; the API keeps kind and positions', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const description =
      `Vi hade ett trepartsmöte i går på kontoret. Deltagaren <som> har ${PERSONNUMMER} fick beskedet att AF inte kan ta emot ` +
      'henne förrän FK har fattat beslut om sjukpenning, och FK väntar på AF.';
    const fields = deviationBody(await municipalityId(t.app, 'Huddinge'), {
      description,
      consequence: `Hon nås på ${PHONE} men vet inte vart hon ska vända sig.`,
      tried: 'Ringde AF två gånger.',
    }) as Record<string, string | string[]>;
    const refused = await client.postForm('/avvikelser/ny', fields);
    expect(refused.status).toBe(422);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.text).not.toMatch(/tecken \d/);

    const summary = summaryOf(refused.text);
    expect(summary).toContain('Inget har sparats.');
    expect(summary).toContain('<a href="#falt-description">Beskrivningen innehåller något som liknar ett personnummer:</a>');
    // A few words either side, HTML in the writer's text escaped, the find marked.
    expect(summary).toContain(`<q class="pii-quote">…kontoret. Deltagaren &lt;som&gt; har ${markedFinding(PERSONNUMMER)} fick beskedet att AF…</q>`);
    expect(summary).toContain('<a href="#falt-consequence">Konsekvensen för deltagaren innehåller något som liknar ett telefonnummer:</a>');
    expect(summary).toContain(`<q class="pii-quote">Hon nås på ${markedFinding(PHONE)} men vet inte vart…</q>`);
    expect(summary).toContain(
      '<button type="submit" form="rapportformular" name="_personuppgifter" value="ta-bort" class="button secondary" formnovalidate>Ta bort personuppgifterna åt mig</button>',
    );
    expect(refused.text).toContain('<form method="post" action="/avvikelser/ny" class="narrow" id="rapportformular" novalidate>');

    // At the field too, inside the element the textarea is described by.
    const fieldError = /<div class="error-message" id="fel-description">[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '';
    expect(fieldError).toContain('Beskrivningen innehåller något som liknar ett personnummer:');
    expect(fieldError).toContain(`<mark>${PERSONNUMMER}</mark>`);
    expect(refused.text).toMatch(/<textarea id="falt-description"[^>]*aria-describedby="hjalp-description fel-description antal-description"/);
    expect(await everythingStored(db())).not.toContain('trepartsmöte');

    // The API keeps its contract for the same text: kind and positions, never the text or a quote.
    const token = await createApiToken(t.app, staff);
    const api = await new HttpClient(t.baseUrl).api('POST', '/api/deviations', { ...fields, parties: ['AF', 'FK'] }, token);
    expect(api.status).toBe(422);
    const start = description.indexOf(PERSONNUMMER);
    expect(api.json<{ error: { details: unknown } }>().error.details).toEqual({
      findings: [
        { field: 'description', kind: 'personnummer', start, end: start + PERSONNUMMER.length },
        { field: 'consequence', kind: 'telefonnummer', start: 11, end: 11 + PHONE.length },
      ],
    });
    expect(api.text).toContain(`(tecken ${start + 1}–${start + PERSONNUMMER.length})`);
    for (const found of [PERSONNUMMER, PHONE, 'trepartsmöte', '<mark>', 'pii-quote']) expect(api.text).not.toContain(found);
    await expectNowhereButTheResponse();
  });

  it('"Ta bort personuppgifterna åt mig" shows the form again with placeholders and every field kept, stores nothing, and sending it files a clean report', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const fields = deviationBody(await municipalityId(t.app, 'Salem'), {
      occurredOn: '2026-11-20',
      category: 'regelverk',
      parties: ['AF', 'REGION'],
      severity: 'hog',
      title: `${NAME} fick inget besked`,
      description: `Deltagaren (${PERSONNUMMER}) väntade på besked från AF i fyra veckor. Handläggaren mejlade ${EMAIL} om tiden.`,
      consequence: `Ring ${PHONE} om det ändras.`,
      tried: `Jag har skrivit till AF; svara gärna till mig på ${staff.email}.`,
    }) as Record<string, string | string[]>;
    const refused = await client.postForm('/avvikelser/ny', fields);
    expect(refused.status).toBe(422);

    // The button as the browser sends it: the form as it is now, plus the button's own name and value.
    const removed = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Personuppgifterna är borttagna');
    expect(removed.text).toContain('Det som liknade personuppgifter i rubriken, beskrivningen och konsekvensen för deltagaren är utbytt');
    expect(removed.text).toContain('Inget är skickat än.');
    expect(removed.text).toContain('tryck sedan på ”Skicka avvikelsen”');
    expect(removed.text).not.toContain('error-summary');
    for (const found of [NAME, PERSONNUMMER, EMAIL, PHONE]) expect(removed.text).not.toContain(found);
    expect((await db().query('SELECT count(*)::int AS n FROM deviation'))[0].n).toBe(0);

    const { _csrf: token, ...again } = formFieldsOf(removed.text, '/avvikelser/ny');
    expect(token).toHaveLength(1);
    expect(again).toEqual({
      municipalityId: [fields.municipalityId],
      occurredOn: ['2026-11-20'],
      category: ['regelverk'],
      parties: ['AF', 'REGION'],
      title: ['[namn borttaget] fick inget besked'],
      description: ['Deltagaren ([personnummer borttaget]) väntade på besked från AF i fyra veckor. Handläggaren mejlade [e-postadress borttagen] om tiden.'],
      consequence: ['Ring [telefonnummer borttaget] om det ändras.'],
      // The writer's own address is not a participant's: it stays, as the check lets it pass.
      tried: [`Jag har skrivit till AF; svara gärna till mig på ${staff.email}.`],
      severity: ['hog'],
    });

    const sent = await client.postForm('/avvikelser/ny', again, { csrf: token[0] });
    expect(sent.status).toBe(303);
    const rows = (await db().query('SELECT title, description, consequence, tried, severity, parties FROM deviation')) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      {
        title: '[namn borttaget] fick inget besked',
        description: again.description[0],
        consequence: 'Ring [telefonnummer borttaget] om det ändras.',
        tried: again.tried[0],
        severity: 'hog',
        parties: ['AF', 'REGION'],
      },
    ]);
    await expectNowhereButTheResponse();
  });

  it('the button keeps the other problems on the form, and keeps CSRF: a post without this browser’s token shows nothing of it', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const fields = deviationBody(await municipalityId(t.app, 'Huddinge'), { severity: '', description: `Gäller ${PERSONNUMMER}, som väntar.` }) as Record<
      string,
      string | string[]
    >;
    const removed = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Gäller [personnummer borttaget], som väntar.');
    expect(summaryOf(removed.text)).toContain('Välj hur allvarligt det är: låg, medel eller hög.');
    expect(summaryOf(removed.text)).not.toContain('personnummer');

    const forged = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort' }, { csrf: 'fel-kod-fran-en-annan-webbplats-1234567' });
    expect(forged.status).toBe(403);
    expect(forged.text).not.toContain('väntar');
    const missing = await client.postForm('/avvikelser/ny', { ...fields, _personuppgifter: 'ta-bort' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect((await db().query('SELECT count(*)::int AS n FROM deviation'))[0].n).toBe(1);
  });

  it('the report page’s message, status and move forms quote and take out the finding the same way', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const reporter = await signIn(staff);
    await reporter.get(`/avvikelser/${filed.id}`);
    const message = `Hej! Deltagaren ${NAME} undrar om det finns något nytt.`;
    const refused = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(`<q class="pii-quote">Hej! Deltagaren ${markedFinding(NAME)} undrar om det finns…</q>`);
    expect(refused.text).toContain('form="kommentarformular" name="_personuppgifter" value="ta-bort"');
    expect(refused.text).not.toMatch(/tecken \d/);

    const removed = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('tryck sedan på ”Skicka”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, `/avvikelser/${filed.id}/kommentarer`);
    expect(again).toEqual({ visibility: ['reporter'], body: ['Hej! Deltagaren [namn borttaget] undrar om det finns något nytt.'] });
    expect((await db().query('SELECT count(*)::int AS n FROM deviation_comment'))[0].n).toBe(0);
    expect((await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, again, { csrf: token[0] })).status).toBe(303);
    expect(await db().query('SELECT body FROM deviation_comment')).toEqual([{ body: again.body[0] }]);

    const leadClient = await signIn(lead);
    await leadClient.get(`/avvikelser/${filed.id}`);
    const status = await leadClient.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept', comment: `Pratade med ${EMAIL} i dag.` });
    expect(status.status).toBe(422);
    expect(status.text).toContain(`<q class="pii-quote">Pratade med ${markedFinding(EMAIL)} i dag.</q>`);
    expect(status.text).toContain('form="statusformular" name="_personuppgifter" value="ta-bort"');
    // The status form has a button per action: the button posts none, and the page asks for one again.
    const statusRemoved = await leadClient.postForm(`/avvikelser/${filed.id}/status`, { comment: `Pratade med ${EMAIL} i dag.`, _personuppgifter: 'ta-bort' });
    expect(statusRemoved.status).toBe(200);
    expect(statusRemoved.text).toContain('välj sedan vad du vill göra med knapparna under texten');
    expect(formFieldsOf(statusRemoved.text, `/avvikelser/${filed.id}/status`).comment).toEqual(['Pratade med [e-postadress borttagen] i dag.']);
    expect((await db().query('SELECT status FROM deviation WHERE id = $1', [filed.id]))[0].status).toBe('ny');

    const move = await leadClient.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Salem'), comment: `Ring ${PHONE}.` });
    expect(move.status).toBe(422);
    expect(move.text).toContain(`<q class="pii-quote">Ring ${markedFinding(PHONE)}.</q>`);
    const moveRemoved = await leadClient.postForm(`/avvikelser/${filed.id}/flytta`, {
      municipalityId: await municipalityId(t.app, 'Salem'),
      comment: `Ring ${PHONE}.`,
      _personuppgifter: 'ta-bort',
    });
    expect(moveRemoved.status).toBe(200);
    expect(formFieldsOf(moveRemoved.text, `/avvikelser/${filed.id}/flytta`)).toMatchObject({
      municipalityId: [await municipalityId(t.app, 'Salem')],
      comment: ['Ring [telefonnummer borttaget].'],
    });
    await expectNowhereButTheResponse();
  });

  it('the letter’s text and the recipient’s answer quote and take out the finding the same way', async () => {
    const barrierId = await insertEscalatedBarrier(db(), 'Krav på inskrivning (KOMMUN, AF)', ['KOMMUN', 'AF'], clock.now());
    for (const kommun of ['Haninge', 'Botkyrka', 'Järfälla']) {
      const filed = await fileDeviation(t.app, staff, kommun, { title: `Krav på inskrivning i ${kommun}` });
      await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrierId, filed.id]);
    }
    await db().query('UPDATE barrier SET member_count = 3 WHERE id = $1', [barrierId]);
    const drafted = await t.app.get(LetterService).upsertDraftForBarrier(barrierId);
    const letterId = drafted.letterId as string;
    const client = await signIn(analyst);
    const editor = await client.get(`/skrivelser/${letterId}`);
    const { _csrf: pageToken, ...fields } = formFieldsOf(editor.text, `/skrivelser/${letterId}`);
    expect(pageToken).toHaveLength(1);
    const requestedAction = `Vi ber rådet kontakta ${NAME} på ${PHONE} för ett möte om saken.`;
    const refused = await client.postForm(`/skrivelser/${letterId}`, { ...fields, requestedAction });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Begäran innehåller något som liknar ett namn och ett telefonnummer:');
    expect(refused.text).toContain(`<q class="pii-quote">Vi ber rådet kontakta ${markedFinding(NAME)} på ${markedFinding(PHONE)} för ett möte om…</q>`);
    expect(refused.text).toContain('form="textformular" name="_personuppgifter" value="ta-bort"');

    const removed = await client.postForm(`/skrivelser/${letterId}`, { ...fields, requestedAction, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('tryck sedan på ”Spara utkast”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, `/skrivelser/${letterId}`);
    expect(again).toEqual({ ...fields, requestedAction: ['Vi ber rådet kontakta [namn borttaget] på [telefonnummer borttaget] för ett möte om saken.'] });
    const saved: HttpResult = await client.postForm(`/skrivelser/${letterId}`, again, { csrf: token[0] });
    expect(saved.status).toBe(303);
    expect((await db().query('SELECT requested_action FROM letter WHERE id = $1', [letterId]))[0].requested_action).toBe(again.requestedAction[0]);

    // The recipient's answer, on a sent letter.
    await db().query(`UPDATE letter SET status = 'skickad', reviewed_at = $2, sent_at = $2 WHERE id = $1`, [letterId, clock.now()]);
    const sentPage = await client.get(`/skrivelser/${letterId}`);
    const version = /name="version" value="(\d+)"/.exec(sentPage.text)?.[1] ?? '';
    const answer = `Rådet svarar att ${NAME} ska kontakta FK.`;
    const answerRefused = await client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'answer', answer });
    expect(answerRefused.status).toBe(422);
    expect(answerRefused.text).toContain(`<q class="pii-quote">Rådet svarar att ${markedFinding(NAME)} ska kontakta FK.</q>`);
    expect(answerRefused.text).toContain('form="svarformular" name="_personuppgifter" value="ta-bort"');
    const answerRemoved = await client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'answer', answer, _personuppgifter: 'ta-bort' });
    expect(answerRemoved.status).toBe(200);
    expect(answerRemoved.text).toContain('Rådet svarar att [namn borttaget] ska kontakta FK.');
    expect((await db().query('SELECT status FROM letter WHERE id = $1', [letterId]))[0].status).toBe('skickad');
    await expectNowhereButTheResponse();
  });

  it('pressed after the login ended, the button brings the text back with the same button, and it works after signing in', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    await db().query('DELETE FROM user_session WHERE user_id = $1', [lead.id]);
    const comment = `Har pratat med ${NAME} om saken.`;
    // The status form's button posts no action; the text must come back all the same.
    const resumed = await client.postForm(`/avvikelser/${filed.id}/status`, { comment, _personuppgifter: 'ta-bort' });
    expect(resumed.status).toBe(401);
    expect(resumed.text).toContain('Din inloggning har gått ut');
    expect(resumed.text).toContain('klicka på ”Ta bort personuppgifterna åt mig” igen');
    expect(resumed.text).toContain('<button type="submit" class="button" name="_personuppgifter" value="ta-bort">Ta bort personuppgifterna åt mig</button>');
    const { _csrf: token, ...again } = formFieldsOf(resumed.text, `/avvikelser/${filed.id}/status`);
    expect(again).toEqual({ comment: [comment] });

    expect((await client.login(lead.email, TEST_PASSWORD)).status).toBe(303);
    const removed = await client.postForm(`/avvikelser/${filed.id}/status`, { ...again, _personuppgifter: 'ta-bort' }, { csrf: token[0] });
    expect(removed.status).toBe(200);
    expect(formFieldsOf(removed.text, `/avvikelser/${filed.id}/status`).comment).toEqual(['Har pratat med [namn borttaget] om saken.']);
    await expectNowhereButTheResponse();
  });
});
