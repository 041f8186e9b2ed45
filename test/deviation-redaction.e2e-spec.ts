import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { containsPii } from '../src/common/pii/pii-detector';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { DeviationEventRedaction1763900001900 } from '../src/database/migrations/1763900001900-deviation-event-redaction';
import { User } from '../src/modules/user/user.entity';
import { insertEscalatedBarrier } from './support/barrier-factories';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient, HttpResult } from './support/http-client';
import { startAppWithCapturedLog } from './support/output-capture';
import { containsTrace, summaryOf } from './support/pii-quote';
import { everythingStored } from './support/stored-text';
import { createTestDatabase } from './support/test-database';
import { TestApp } from './support/test-app';

/**
 * "Ta bort personuppgift": the owning lead, an analyst or an admin takes personal data out of a stored report, and
 * it is then nowhere in the database: not in the report, its comments, its audit log or the stored mails about it.
 * The timeline says that something was removed, from where and by whom, never what. Everyone else is refused.
 */

/** A personnummer whose check digit fails: the form lets it through when the writer says it is not one. */
const NUMBER = '19850312-1234';
/** A surname alone, which the name detector does not take for a name. */
const SURNAME = 'Qvarnqvist';


/** A pasted text is shown first (where and how many times): posts the form, then the confirmation's "Ta bort". */
async function redactConfirmed(client: HttpClient, id: string, fields: Record<string, string | string[]>): Promise<HttpResult> {
  const asked = await client.postForm(`/avvikelser/${id}/personuppgifter`, fields);
  expect(asked.status).toBe(200);
  expect(asked.text).toContain('Kontrollera innan du tar bort');
  const action = `/avvikelser/${id}/personuppgifter/bekrafta`;
  const { _csrf: _token, ...fields2 } = formFieldsOf(asked.text, action);
  return client.postForm(action, fields2);
}

describe('taking personal data out of a stored report', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let otherLead: User;
  let roslagenLead: User;
  let analyst: User;
  let admin: User;
  let logged: string[] = [];
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, logged, restore } = await startAppWithCapturedLog({ clock }));
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
    otherLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lisa Ledare' });
    roslagenLead = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen', name: 'Rolf Roslagen' });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
    admin = await createUser(t.app, 'admin', { name: 'Adam Admin' });
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
  /** The value a near-miss question's "skicka ändå" posts, from the page that asked. */
  const vouched = (html: string): string => /name="_inte_personnummer" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const choiceValue = (html: string, label: string): string | undefined =>
    new RegExp(`name="choices" value="([^"]+)"> <span>${label}:`).exec(html)?.[1];
  /** Every text and JSON column of every table, as JSON lines, with the traces looked for as written. */
  const storedTraces = async (): Promise<Record<string, boolean>> => {
    const stored = await everythingStored(db());
    return Object.fromEntries([NUMBER, '19850312', SURNAME].map((trace) => [trace, containsTrace(stored, trace)]));
  };

  it('the owning lead ticks the number and pastes the surname: both are gone from the report, its comments, its log and its mails', async () => {
    expect(containsPii(`Familjen ${SURNAME} fick inget besked`)).toBe(false);
    // Filed through the form, the number vouched for as "not a personnummer".
    const reporter = await signIn(staff);
    await reporter.get('/avvikelser/ny');
    const fields = deviationBody(await municipalityId(t.app, 'Huddinge'), {
      title: `Familjen ${SURNAME} fick inget besked`,
      description: `Kallelsen från FK hade personnummer ${NUMBER}. Familjen ${SURNAME} ringde AF, som hänvisade till FK.`,
      consequence: 'Deltagaren stod utan insats i tre veckor.',
    }) as Record<string, string | string[]>;
    const asked = await reporter.postForm('/avvikelser/ny', fields);
    expect(asked.status).toBe(422);
    const filed = await reporter.postForm('/avvikelser/ny', { ...fields, _inte_personnummer: vouched(asked.text) });
    expect(filed.status).toBe(303);
    const id = /\/avvikelser\/([0-9a-f-]{36})/.exec(filed.location ?? '')?.[1] as string;
    expect(await reporter.postForm(`/avvikelser/${id}/kommentarer`, { visibility: 'reporter', body: `${SURNAME} har fått en ny tid hos AF.` })).toMatchObject({ status: 303 });

    // The lead writes the number and the surname into the log (status comments) and into the analysts' mail.
    const leadClient = await signIn(lead);
    await leadClient.get(`/avvikelser/${id}`);
    const accepting = { action: 'accept', comment: `Ringde FK om ${NUMBER}.` };
    const acceptAsked = await leadClient.postForm(`/avvikelser/${id}/status`, accepting);
    expect(acceptAsked.status).toBe(422);
    expect((await leadClient.postForm(`/avvikelser/${id}/status`, { ...accepting, _inte_personnummer: vouched(acceptAsked.text) })).status).toBe(303);
    expect((await leadClient.postForm(`/avvikelser/${id}/status`, { action: 'escalate', comment: `Familjen ${SURNAME} behöver FK och AF samtidigt.` })).status).toBe(303);
    // Everything is in place before: the report, a comment, the log, mails queued and rendered.
    expect(await storedTraces()).toEqual({ [NUMBER]: true, '19850312': true, [SURNAME]: true });
    const mailsBefore = (await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE strpos(coalesce(html, '') || coalesce(context::text, ''), $1) > 0`, [SURNAME]))[0].n;
    expect(mailsBefore).toBeGreaterThanOrEqual(3);
    const eventsBefore = (await db().query(`SELECT id::text, kind FROM deviation_event WHERE deviation_id = $1 ORDER BY id`, [id])) as Array<{ id: string; kind: string }>;

    const page = await leadClient.get(`/avvikelser/${id}`);
    expect(page.text).toContain('<h2 id="rubrik-personuppgift">Ta bort personuppgift</h2>');
    const numberChoice = choiceValue(page.text, 'Ett personnummer i beskrivningen');
    expect(numberChoice).toBeDefined();
    // Offered masked, and the value names a position and a fingerprint, not the number.
    expect(page.text).toContain('<mark>••••••••-••34</mark>');
    expect(numberChoice).not.toContain('850312');

    const redacted = await redactConfirmed(leadClient, id, { choices: [numberChoice as string], text: SURNAME });
    expect(redacted.status).toBe(303);
    expect(redacted.location).toBe(`/avvikelser/${id}?klart=personuppgift#tidslinje`);

    const after = await leadClient.get(`/avvikelser/${id}?klart=personuppgift`);
    expect(after.text).toContain('Personuppgiften är borttagen ur avvikelsen.');
    expect(after.text).toContain('Personuppgift borttagen ur rubriken, beskrivningen, en kommentar och tidslinjen av Ludvig Ledare');
    expect(after.text).toContain('Familjen [personuppgift borttagen] fick inget besked');
    expect(after.text).toContain('Kallelsen från FK hade personnummer [personnummer borttaget].');
    expect(after.text).toContain('Kommentar: Ringde FK om [personnummer borttaget].');
    expect(after.text).not.toContain(SURNAME);
    expect(after.text).not.toContain('19850312');
    // The reporter sees the same line, and no more.
    const reporterView = await reporter.get(`/avvikelser/${id}`);
    expect(reporterView.text).toContain('Personuppgift borttagen ur rubriken, beskrivningen, en kommentar och tidslinjen av Ludvig Ledare');
    expect(reporterView.text).not.toContain(SURNAME);

    // Nowhere in the database: every text and JSON column of every table.
    expect(await storedTraces()).toEqual({ [NUMBER]: false, '19850312': false, [SURNAME]: false });
    expect(await db().query(`SELECT title, description FROM deviation WHERE id = $1`, [id])).toEqual([
      {
        title: 'Familjen [personuppgift borttagen] fick inget besked',
        description: 'Kallelsen från FK hade personnummer [personnummer borttaget]. Familjen [personuppgift borttagen] ringde AF, som hänvisade till FK.',
      },
    ]);
    const mailsAfter = (await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE strpos(coalesce(html, '') || coalesce(context::text, ''), '[personuppgift borttagen]') > 0`))[0].n;
    expect(mailsAfter).toBe(mailsBefore);
    // The log kept every line (append-only), plus the redaction's, which holds where and not what.
    const eventsAfter = (await db().query(`SELECT id::text, kind, after FROM deviation_event WHERE deviation_id = $1 ORDER BY id`, [id])) as Array<{
      id: string;
      kind: string;
      after: unknown;
    }>;
    expect(eventsAfter.slice(0, -1).map(({ id: eventId, kind }) => ({ id: eventId, kind }))).toEqual(eventsBefore);
    expect(eventsAfter[eventsAfter.length - 1]).toMatchObject({
      kind: 'personal_data_removed',
      after: { fields: ['title', 'description'], comments: 1, log: true },
    });
    expect(logged.join('')).not.toContain(SURNAME);
    expect(logged.join('')).not.toContain('19850312');
  });

  it('a mail not yet sent about the report’s barrier is scrubbed too, and so is the barrier’s generated name; a full run is requested', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Brorsqvistsson ringde AF, som hänvisade till FK.' });
    const barrierId = await insertEscalatedBarrier(db(), 'Brorsqvistsson, väntetid och familj (FK)', ['FK'], clock.now(), 'generated');
    await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrierId, filed.id]);
    await db().query(
      `INSERT INTO mail_outbox (recipients, subject, html, text, template, status, next_attempt_at, dedupe_key)
       VALUES (ARRAY['analytiker@test.mia.se'], 'Eskalerat hinder: Brorsqvistsson, väntetid och familj (FK)', '<p>Brorsqvistsson, väntetid och familj (FK)</p>',
               'Brorsqvistsson, väntetid och familj (FK)', 'barrier-escalated', 'pending', now(), $1)`,
      [`barrier-escalated:${barrierId}:analytiker@test.mia.se`],
    );
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await redactConfirmed(client, filed.id, { text: 'Brorsqvistsson' })).status).toBe(303);
    expect(await db().query(`SELECT subject, html, text FROM mail_outbox WHERE template = 'barrier-escalated'`)).toEqual([
      {
        subject: 'Eskalerat hinder: [personuppgift borttagen], väntetid och familj (FK)',
        html: '<p>[personuppgift borttagen], väntetid och familj (FK)</p>',
        text: '[personuppgift borttagen], väntetid och familj (FK)',
      },
    ]);
    // The barrier's own name is made by the pattern engine from its reports' words: scrubbed now, made anew by the full run asked for.
    expect((await db().query(`SELECT name FROM barrier WHERE id = $1`, [barrierId]))[0].name).toBe('[personuppgift borttagen], väntetid och familj (FK)');
    expect((await db().query(`SELECT full_run_requested FROM barrier_engine_state WHERE id = 1`))[0].full_run_requested).toBe(true);
  });

  it('an analyst and an admin may; the reporter and another delprojekt’s lead may not, and nothing changes', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Lindqvistsson och Familjen Brandtmoen ringde AF, som hänvisade till FK.' });
    const description = async (): Promise<string> => (await db().query(`SELECT description FROM deviation WHERE id = $1`, [filed.id]))[0].description;

    const reporter = await signIn(staff);
    const reporterPage = await reporter.get(`/avvikelser/${filed.id}`);
    expect(reporterPage.status).toBe(200);
    expect(reporterPage.text).not.toContain('Ta bort personuppgift');
    expect((await reporter.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Lindqvistsson' })).status).toBe(403);

    const roslagen = await signIn(roslagenLead);
    await roslagen.get('/');
    const foreign = await roslagen.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Lindqvistsson' });
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('Lindqvistsson');
    expect(await description()).toContain('Lindqvistsson');

    // Another lead of the owning delprojekt may.
    const colleague = await signIn(otherLead);
    expect((await colleague.get(`/avvikelser/${filed.id}`)).text).toContain('Ta bort personuppgift');

    const analystClient = await signIn(analyst);
    await analystClient.get(`/avvikelser/${filed.id}`);
    expect((await redactConfirmed(analystClient, filed.id, { text: 'Lindqvistsson' })).status).toBe(303);
    const adminClient = await signIn(admin);
    expect((await adminClient.get(`/avvikelser/${filed.id}`)).text).toContain('Ta bort personuppgift');
    expect((await redactConfirmed(adminClient, filed.id, { text: 'Brandtmoen' })).status).toBe(303);
    expect(await description()).toBe('Familjen [personuppgift borttagen] och Familjen [personuppgift borttagen] ringde AF, som hänvisade till FK.');
    const timeline = (await adminClient.get(`/avvikelser/${filed.id}`)).text;
    expect(timeline).toContain('Personuppgift borttagen ur beskrivningen av Vera Verksam');
    expect(timeline).toContain('Personuppgift borttagen ur beskrivningen av Adam Admin');
  });

  it('says what to fix in Swedish and keeps what was typed: text not in the report, a text inside a longer word, nothing chosen, a stale choice', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka', { description: 'Bo i Botkyrka väntade.' });
    await db().query(`UPDATE deviation SET description = 'Bo i Botkyrka väntade. Pnr 850312-1234 stod i kallelsen.' WHERE id = $1`, [filed.id]);
    const client = await signIn(lead);
    const page = await client.get(`/avvikelser/${filed.id}`);

    const missing = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Svensson' });
    expect(missing.status).toBe(400);
    expect(summaryOf(missing.text)).toContain('Texten finns inte i avvikelsen. Klistra in den exakt som den står, med samma stora och små bokstäver.');
    expect(formFieldsOf(missing.text, `/avvikelser/${filed.id}/personuppgifter`).text).toEqual(['Svensson']);

    const inside = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Botk' });
    expect(inside.status).toBe(400);
    expect(summaryOf(inside.text)).toContain('Texten står också inuti ordet ”Botkyrka”, som då också skulle ändras. Klistra in mer av texten runt omkring, t.ex. hela namnet.');

    const nothing = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: '  ' });
    expect(nothing.status).toBe(400);
    expect(summaryOf(nothing.text)).toContain('Kryssa i det som ska bort, eller klistra in texten som ska tas bort.');

    const choice = choiceValue(page.text, 'Ett personnummer i beskrivningen') as string;
    expect(choice).toBeDefined();
    await db().query(`UPDATE deviation SET description = 'Ny inledning. ' || description WHERE id = $1`, [filed.id]);
    const stale = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { choices: choice, text: 'väntade' });
    expect(stale.status).toBe(400);
    expect(summaryOf(stale.text)).toContain('Avvikelsen har ändrats sedan sidan visades. Välj igen bland det som visas nu.');
    expect(formFieldsOf(stale.text, `/avvikelser/${filed.id}/personuppgifter`).text).toEqual(['väntade']);
    expect((await db().query(`SELECT description FROM deviation WHERE id = $1`, [filed.id]))[0].description).toBe(
      'Ny inledning. Bo i Botkyrka väntade. Pnr 850312-1234 stod i kallelsen.',
    );
    expect((await db().query(`SELECT count(*)::int AS n FROM deviation_event WHERE deviation_id = $1 AND kind = 'personal_data_removed'`, [filed.id]))[0].n).toBe(0);
  });
});

describe('migration 1763900001900: the audit log allows exactly a redaction', () => {
  it('refuses any other UPDATE, DELETE and TRUNCATE, redacts through deviation_event_redact, and goes down and up again', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize: 2 }));
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      const [kommun] = (await dataSource.query(`SELECT id, subproject_id FROM municipality WHERE name = 'Haninge'`)) as Array<{ id: string; subproject_id: string }>;
      const [report] = (await dataSource.query(
        `INSERT INTO deviation (municipality_id, subproject_id, occurred_on, reported_at, category, title, description, severity)
         VALUES ($1, $2, '2026-11-01', now(), 'gransnitt', 'Rubrik', 'Beskrivning.', 'medel') RETURNING id`,
        [kommun.id, kommun.subproject_id],
      )) as Array<{ id: string }>;
      await dataSource.query(
        `INSERT INTO deviation_event (deviation_id, kind, before, after) VALUES ($1, 'accepted', '{"status": "ny"}', $2)`,
        [report.id, JSON.stringify({ status: 'mottagen', comment: 'Ringde Qvarnqvist.', list: ['Qvarnqvist'] })],
      );
      const refused = /bara kan läggas till i/;
      await expect(dataSource.query(`UPDATE deviation_event SET kind = 'closed'`)).rejects.toThrow(refused);
      await expect(dataSource.query(`DELETE FROM deviation_event`)).rejects.toThrow(refused);
      await expect(dataSource.query(`TRUNCATE deviation_event CASCADE`)).rejects.toThrow(refused);
      // With the pair named, only the replacement itself passes: not another change, not another text.
      await runner.startTransaction();
      await runner.query(`SELECT set_config('avvikelser.redact_text', 'Qvarnqvist', true), set_config('avvikelser.redact_placeholder', '[namn borttaget]', true)`);
      await expect(runner.query(`UPDATE deviation_event SET after = after || '{"comment": "Något annat."}'`)).rejects.toThrow(refused);
      await runner.rollbackTransaction();
      await runner.startTransaction();
      await runner.query(`SELECT set_config('avvikelser.redact_text', 'Qvarnqvist', true), set_config('avvikelser.redact_placeholder', 'vem som helst', true)`);
      await expect(runner.query(`UPDATE deviation_event SET after = deviation_event_redacted(after, 'Qvarnqvist', 'vem som helst')`)).rejects.toThrow(refused);
      await runner.rollbackTransaction();

      expect(await dataSource.query(`SELECT deviation_event_redact($1, 'Qvarnqvist', '[namn borttaget]') AS n`, [report.id])).toEqual([{ n: 1 }]);
      expect(await dataSource.query(`SELECT before, after FROM deviation_event`)).toEqual([
        { before: { status: 'ny' }, after: { status: 'mottagen', comment: 'Ringde [namn borttaget].', list: ['[namn borttaget]'] } },
      ]);
      // The pair is cleared again: a plain UPDATE after it is refused as before.
      await expect(dataSource.query(`UPDATE deviation_event SET after = after`)).rejects.toThrow(refused);

      const migration = new DeviationEventRedaction1763900001900();
      await migration.down(runner);
      await expect(dataSource.query(`SELECT deviation_event_redact($1, 'Ringde', '[namn borttaget]')`, [report.id])).rejects.toThrow(/does not exist/);
      await runner.startTransaction();
      await runner.query(`SELECT set_config('avvikelser.redact_text', 'Ringde', true), set_config('avvikelser.redact_placeholder', '[namn borttaget]', true)`);
      await expect(runner.query(`UPDATE deviation_event SET after = jsonb_set(after, '{comment}', '"[namn borttaget] [namn borttaget]."')`)).rejects.toThrow(refused);
      await runner.rollbackTransaction();
      await migration.up(runner);
      expect(await dataSource.query(`SELECT deviation_event_redact($1, 'Ringde', '[namn borttaget]') AS n`, [report.id])).toEqual([{ n: 1 }]);
    } finally {
      await runner.release();
      await dataSource.destroy();
      await database.drop();
    }
  });
});
