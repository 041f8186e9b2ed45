import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient, HttpResult } from './support/http-client';
import { startAppWithCapturedLog } from './support/output-capture';
import { everythingStored } from './support/stored-text';
import { TestApp } from './support/test-app';

/**
 * "Ta bort personuppgift" reaches what was made of the report's words, in the same transaction: the barrier it is in
 * (generated name, terms, members' reasons, the engine's models; a full run is requested) and letters under way that
 * quote it. A letter already sent is not rewritten, and the page says so. And the same through the API.
 */

const SURNAME = 'Qvarnqvist';
const PLACEHOLDER = '[personuppgift borttagen]';

interface ApiError {
  error: { code: string; message: string; fields: Array<{ field: string; message: string }> };
}


/** A pasted text is shown first (where and how many times): posts the form, then the confirmation's "Ta bort". */
async function redactConfirmed(client: HttpClient, id: string, fields: Record<string, string | string[]>): Promise<HttpResult> {
  const asked = await client.postForm(`/avvikelser/${id}/personuppgifter`, fields);
  expect(asked.status).toBe(200);
  expect(asked.text).toContain('Kontrollera innan du tar bort');
  const action = `/avvikelser/${id}/personuppgifter/bekrafta`;
  const { _csrf: _token, ...fields2 } = formFieldsOf(asked.text, action);
  return client.postForm(action, fields2);
}

describe('personal data removed from a report also leaves its barriers and letters', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let roslagenLead: User;
  let analyst: User;
  let admin: User;
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, restore } = await startAppWithCapturedLog({ clock }));
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
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
  const startLetter = async (barrierId: string): Promise<string> => {
    const client = await signIn(analyst);
    await client.get('/skrivelser');
    const created = await client.postForm('/skrivelser', { barrierId });
    expect(created.status).toBe(303);
    return /\/skrivelser\/([0-9a-f-]{36})/.exec(String(created.location))?.[1] as string;
  };
  const rowText = async (table: string, id: string): Promise<string> =>
    ((await db().query(`SELECT row_to_json(x)::text AS row FROM ${table} x WHERE id = $1`, [id])) as Array<{ row: string }>)[0].row;
  const lettersText = async (): Promise<string> =>
    ((await db().query(`SELECT coalesce(string_agg(row_to_json(x)::text, E'\\n'), '') AS rows FROM letter x`)) as Array<{ rows: string }>)[0].rows;
  /** A barrier of the report, as the engine leaves it: a name, terms and a member reason made of its words, and models. */
  const barrierOf = async (deviationId: string, word: string): Promise<string> => {
    const barrierId = await insertEscalatedBarrier(db(), `${word}, väntetid och familj (FK)`, ['FK'], clock.now(), 'generated');
    const model = { key: barrierId, centroid: [[`t:${word.toLowerCase()}`, 0.6], ['t:väntetid', 0.4]], coreFeatures: [[`t:${word.toLowerCase()}`, word], ['t:väntetid', 'väntetid']] };
    await db().query(`UPDATE barrier SET terms = $2, model = $3 WHERE id = $1`, [barrierId, [word.toLowerCase(), 'väntetid', 'familj'], JSON.stringify(model)]);
    await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', $3)`, [
      barrierId,
      deviationId,
      [`delar termerna: ${word.toLowerCase()}, väntetid`, 'parter FK'],
    ]);
    await addBarrierMember(db(), barrierId, {
      kommun: 'Haninge',
      occurredOn: '2026-10-01',
      reporterEmail: 'rapportor@kommun.example.org',
      parties: ['FK'],
      description: 'Deltagaren fick vänta på beslut från FK i tre veckor, och ingen annan insats fanns under tiden.',
    });
    await db().query(`UPDATE barrier SET member_count = 2 WHERE id = $1`, [barrierId]);
    return barrierId;
  };

  it('a surname in a report that is a barrier member and quoted in a draft letter is gone from every barrier text and the draft, and a full run is requested', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', {
      parties: ['FK'],
      description: `${SURNAME} ringde AF, som hänvisade till FK. Familjen ${SURNAME} fick inget besked på tre veckor.`,
    });
    const barrierId = await barrierOf(filed.id, SURNAME);
    await db().query(`UPDATE barrier_engine_state SET model = $1, full_run_requested = false WHERE id = 1`, [
      JSON.stringify({ version: 1, docCount: 2, lexicon: [[SURNAME.toLowerCase(), 2], ['väntetid', 2]], featureDf: [[`t:${SURNAME.toLowerCase()}`, 2]] }),
    ]);
    const letterId = await startLetter(barrierId);
    const before = (await db().query(`SELECT version, status FROM letter WHERE id = $1`, [letterId]))[0] as { version: number; status: string };
    // The draft names the barrier and quotes the report: both hold the surname.
    expect(await rowText('letter', letterId)).toContain(SURNAME);
    // A surname opening a sentence is not taken for a name by the anonymiser; after "Familjen" it is.
    const quote = `”${SURNAME} ringde AF, som hänvisade till FK. Familjen [namn borttaget] fick inget besked på tre veckor.”`;
    expect((await db().query(`SELECT evidence FROM letter WHERE id = $1`, [letterId]))[0].evidence).toContain(quote);

    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    const redacted = await redactConfirmed(client, filed.id, { text: SURNAME });
    expect(redacted.status).toBe(303);
    const page = await client.get(`/avvikelser/${filed.id}?klart=personuppgift`);
    expect(page.text).toContain('Personuppgiften är borttagen ur avvikelsen.');
    expect(page.text).not.toContain('Texten står också i');

    // Every barrier table's texts: name, terms, escalation reason, members' reasons, models.
    const [barrier] = (await db().query(`SELECT name, terms, model FROM barrier WHERE id = $1`, [barrierId])) as Array<{ name: string; terms: string[]; model: unknown }>;
    expect(barrier.name).toBe(`${PLACEHOLDER}, väntetid och familj (FK)`);
    expect(barrier.terms).toEqual(['väntetid', 'familj']);
    expect(JSON.stringify(barrier.model)).not.toMatch(/qvarnqvist/i);
    expect((await db().query(`SELECT reason FROM barrier_member WHERE deviation_id = $1`, [filed.id]))[0].reason).toEqual([`delar termerna: ${PLACEHOLDER}, väntetid`, 'parter FK']);
    const [state] = (await db().query(`SELECT model::text AS model, full_run_requested FROM barrier_engine_state WHERE id = 1`)) as Array<{ model: string; full_run_requested: boolean }>;
    expect(state.full_run_requested).toBe(true);
    expect(state.model).not.toMatch(/qvarnqvist/i);
    for (const table of ['barrier', 'barrier_member', 'barrier_exclusion', 'barrier_engine_state']) {
      const rows = (await db().query(`SELECT coalesce(string_agg(row_to_json(x)::text, E'\\n'), '') AS rows FROM ${table} x`)) as Array<{ rows: string }>;
      expect({ table, holds: /qvarnqvist/i.test(rows[0].rows) }).toEqual({ table, holds: false });
    }

    // The draft: every section, the proposals and the evidence snapshot; still a draft, its version moved on.
    expect(await rowText('letter', letterId)).not.toMatch(/qvarnqvist/i);
    const after = (await db().query(`SELECT version, status FROM letter WHERE id = $1`, [letterId]))[0] as { version: number; status: string };
    expect(after.status).toBe(before.status);
    expect(after.version).toBe(before.version + 1);
    expect((await db().query(`SELECT evidence FROM letter WHERE id = $1`, [letterId]))[0].evidence).toContain(quote.replace(SURNAME, PLACEHOLDER));
    const letterPage = await (await signIn(analyst)).get(`/skrivelser/${letterId}`);
    expect(letterPage.text).toContain('Personuppgift borttagen ur skrivelsen, sedan den tagits bort ur en avvikelse i underlaget');
    expect(letterPage.text).not.toMatch(/qvarnqvist/i);
    // Nowhere in the database, in any case.
    expect(/qvarnqvist/i.test(await everythingStored(db()))).toBe(false);
  });

  it('a letter already sent is left as it was, and the page says the text is in it and what to do', async () => {
    const word = 'Brandtmoen';
    const filed = await fileDeviation(t.app, staff, 'Botkyrka', { parties: ['FK'], description: `${word} ringde AF, som hänvisade till FK utan att ge något besked.` });
    const barrierId = await barrierOf(filed.id, word);
    const letterId = await startLetter(barrierId);
    await db().query(`UPDATE letter SET status = 'skickad', reviewed_at = $2, sent_at = $2, reference_number = 'MIA 2026/14' WHERE id = $1`, [letterId, clock.now()]);
    const sentBefore = await rowText('letter', letterId);
    expect(sentBefore).toContain(word);
    const eventsBefore = (await db().query(`SELECT count(*)::int AS n FROM letter_event WHERE letter_id = $1`, [letterId]))[0].n;

    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await redactConfirmed(client, filed.id, { text: word })).status).toBe(303);
    const page = await client.get(`/avvikelser/${filed.id}?klart=personuppgift`);
    expect(page.text).toContain(
      'Personuppgiften är borttagen ur avvikelsen. Tidslinjen visar att något togs bort och av vem, men inte vad. ' +
        'Texten står också i en skrivelse som redan har skickats: till Nationella rådet för finansiell samordning den 2026-11-23 (diarienummer MIA 2026/14). ' +
        'Den ändras inte här, eftersom en skickad skrivelse visar vad som lämnade systemet. Kontakta mottagaren om uppgiften behöver tas bort även där.',
    );
    // What left the system stays as it left, and so does its log; the report and the barrier lose the word.
    expect(await rowText('letter', letterId)).toBe(sentBefore);
    expect((await db().query(`SELECT count(*)::int AS n FROM letter_event WHERE letter_id = $1`, [letterId]))[0].n).toBe(eventsBefore);
    expect(await rowText('barrier', barrierId)).not.toContain(word);
    expect((await db().query(`SELECT description FROM deviation WHERE id = $1`, [filed.id]))[0].description).toBe(
      `${PLACEHOLDER} ringde AF, som hänvisade till FK utan att ge något besked.`,
    );
    expect(await lettersText()).toContain(word);
  });

  it('POST /api/deviations/:id/redactions: the owning lead, an analyst and an admin may; other roles get 403, another delprojekt 404, an unknown text 400 in Swedish', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Lindqvistsson och Familjen Brandtmoen ringde AF, som hänvisade till FK.' });
    // A number the form would have asked about, put straight in: the detector offers it as a finding.
    await db().query(`UPDATE deviation SET description = description || ' Pnr 850312-1234 stod i kallelsen.' WHERE id = $1`, [filed.id]);
    const description = async (): Promise<string> => (await db().query(`SELECT description FROM deviation WHERE id = $1`, [filed.id]))[0].description;
    const api = new HttpClient(t.baseUrl);
    const [leadToken, staffToken, roslagenToken, analystToken, adminToken] = await Promise.all(
      [lead, staff, roslagenLead, analyst, admin].map((user) => createApiToken(t.app, user)),
    );
    const path = `/api/deviations/${filed.id}/redactions`;

    // Refused: the reporter (staff) and another delprojekt's lead; nothing changes.
    expect((await api.api('POST', path, { texts: ['Lindqvistsson'] }, staffToken)).status).toBe(403);
    expect((await api.api('GET', path, undefined, staffToken)).status).toBe(403);
    const foreign = await api.api('POST', path, { texts: ['Lindqvistsson'] }, roslagenToken);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('Lindqvistsson');

    // Said what to fix, in Swedish, at the field; nothing changes.
    const missing = await api.api('POST', path, { texts: ['Svensson'] }, leadToken);
    expect(missing.status).toBe(400);
    expect(missing.json<ApiError>().error.fields).toEqual([
      { field: 'texts', message: 'Texten finns inte i avvikelsen. Ange den exakt som den står, med samma stora och små bokstäver.' },
    ]);
    const second = await api.api('POST', path, { texts: ['Lindqvistsson', 'Lind'] }, leadToken);
    expect(second.status).toBe(400);
    expect(second.json<ApiError>().error.fields[0].message).toBe(
      'Text 2: Texten står också inuti ordet ”Lindqvistsson”, som då också skulle ändras. Ange mer av texten runt omkring, t.ex. hela namnet.',
    );
    const empty = await api.api('POST', path, {}, leadToken);
    expect(empty.status).toBe(400);
    expect(empty.json<ApiError>().error.fields[0].message).toBe('Ange texten som ska tas bort (texts) eller fynden (choices, från GET /api/deviations/:id/redactions).');
    const wrongShape = await api.api('POST', path, { texts: 'Lindqvistsson' }, leadToken);
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json<ApiError>().error.fields.map((f) => f.message)).toContain('Ange texts som en lista med texter, t.ex. ["Qvarnqvist"].');
    const stale = await api.api('POST', path, { choices: ['description:0:3:AAAAAAAAAAAA'] }, leadToken);
    expect(stale.status).toBe(400);
    expect(stale.json<ApiError>().error.fields[0].field).toBe('choices');
    expect(await description()).toContain('Lindqvistsson');
    expect(await description()).toContain('850312-1234');

    // The owning lead: the finding as the page offers it, and a text.
    const choices = await api.api('GET', path, undefined, leadToken);
    expect(choices.status).toBe(200);
    const offered = choices.json<Array<{ value: string; label: string; quote: string }>>();
    const number = offered.find((c) => c.label === 'Ett personnummer i beskrivningen');
    expect(number?.quote).toBe('…hänvisade till FK. Pnr ••••••-••34 stod i kallelsen.');
    expect(JSON.stringify(offered)).not.toContain('850312');
    const done = await api.api('POST', path, { texts: ['Lindqvistsson'], choices: [number?.value] }, leadToken);
    expect(done.status).toBe(200);
    expect(done.json()).toEqual({
      fields: ['description'],
      comments: 0,
      log: false,
      mails: expect.any(Number),
      barriers: 0,
      letters: 0,
      sentLetters: [],
      notice: 'Personuppgiften är borttagen ur avvikelsen. Tidslinjen visar att något togs bort och av vem, men inte vad.',
    });
    expect(await description()).toBe(
      `Familjen ${PLACEHOLDER} och Familjen Brandtmoen ringde AF, som hänvisade till FK. Pnr [personnummer borttaget] stod i kallelsen.`,
    );
    expect((await db().query(`SELECT full_run_requested FROM barrier_engine_state WHERE id = 1`))[0].full_run_requested).toBe(true);

    // An analyst and an admin may too.
    expect((await api.api('POST', path, { texts: ['Brandtmoen'] }, analystToken)).status).toBe(200);
    expect((await api.api('GET', path, undefined, adminToken)).status).toBe(200);
    expect(await description()).toBe(`Familjen ${PLACEHOLDER} och Familjen ${PLACEHOLDER} ringde AF, som hänvisade till FK. Pnr [personnummer borttaget] stod i kallelsen.`);
    const timeline = (await (await signIn(admin)).get(`/avvikelser/${filed.id}`)).text;
    expect(timeline).toContain('Personuppgift borttagen ur beskrivningen av Ludvig Ledare');
    expect(timeline).toContain('Personuppgift borttagen ur beskrivningen av Vera Verksam');

    const docs = await api.get('/api/docs-json');
    const paths = docs.json<{ paths: Record<string, Record<string, { summary?: string }>> }>().paths;
    expect(paths['/api/deviations/{id}/redactions'].post.summary).toBe('Ta bort personuppgift ur avvikelsen');
    expect(paths['/api/deviations/{id}/redactions'].get.summary).toBe('Det som liknar personuppgifter i avvikelsen');
  });
});
