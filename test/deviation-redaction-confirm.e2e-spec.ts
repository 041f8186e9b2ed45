import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { insertEscalatedBarrier } from './support/barrier-factories';
import { fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient } from './support/http-client';
import { startAppWithCapturedLog } from './support/output-capture';
import { summaryOf } from './support/pii-quote';
import { TestApp } from './support/test-app';

/**
 * "Ta bort personuppgift" cannot be undone: a pasted text is first shown where and how many times it stands (nothing
 * changes until the lead confirms), a text that cannot be personal data on its own (a party's code, a common word) is
 * refused, and a barrier name's party codes are never taken for a word of the removed text.
 */

const PLACEHOLDER = '[personuppgift borttagen]';

/** The confirmation form's fields as posted again (the client adds the CSRF token itself). */
function confirmationOf(html: string, action: string): Record<string, string[]> {
  const { _csrf: _token, ...fields } = formFieldsOf(html, action);
  return fields;
}

interface ApiError {
  error: { code: string; message: string; fields: Array<{ field: string; message: string }> };
}

describe('confirming and refusing a pasted text before it is removed', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let restore: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, restore } = await startAppWithCapturedLog({ clock }));
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Ludvig Ledare' });
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
  const description = async (id: string): Promise<string> => (await db().query(`SELECT description FROM deviation WHERE id = $1`, [id]))[0].description;
  const removals = async (id: string): Promise<number> =>
    (await db().query(`SELECT count(*)::int AS n FROM deviation_event WHERE deviation_id = $1 AND kind = 'personal_data_removed'`, [id]))[0].n;
  const barrierName = async (id: string): Promise<string> => (await db().query(`SELECT name FROM barrier WHERE id = $1`, [id]))[0].name;

  it('the page shows the counts, the places and the words around the text, changes nothing, and removes it only on "Ta bort"', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Qvarnhult ringde FK. Qvarnhult har inte fått något besked.' });
    const barrierId = await insertEscalatedBarrier(db(), 'Qvarnhult, väntetid och besked (FK, REGION)', ['FK', 'REGION'], clock.now(), 'generated');
    await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrierId, filed.id]);
    await db().query(`UPDATE barrier_engine_state SET full_run_requested = false WHERE id = 1`);
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'internal', body: 'Ringde Qvarnhult i dag.' })).status).toBe(303);

    const asked = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Qvarnhult' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Kontrollera innan du tar bort');
    expect(asked.text).toContain('3 förekomster i avvikelsen: beskrivningen 2, en kommentar 1; också i 1 hindernamn.');
    expect(asked.text).toContain('<mark>Qvarnhult</mark> ringde FK.');
    expect(asked.text).toContain('Ringde <mark>Qvarnhult</mark> i dag.');
    expect(asked.text).toContain('<button type="submit" class="button">Ta bort</button>');
    expect(asked.text).toContain(`<a href="/avvikelser/${filed.id}#personuppgift" class="button secondary">Avbryt</a>`);
    // Nothing changed: the report, the comment, the barrier, the engine, the log.
    expect(await description(filed.id)).toBe('Familjen Qvarnhult ringde FK. Qvarnhult har inte fått något besked.');
    expect((await db().query(`SELECT body FROM deviation_comment WHERE deviation_id = $1`, [filed.id]))[0].body).toBe('Ringde Qvarnhult i dag.');
    expect(await barrierName(barrierId)).toBe('Qvarnhult, väntetid och besked (FK, REGION)');
    expect((await db().query(`SELECT full_run_requested FROM barrier_engine_state WHERE id = 1`))[0].full_run_requested).toBe(false);
    expect(await removals(filed.id)).toBe(0);

    const action = `/avvikelser/${filed.id}/personuppgifter/bekrafta`;
    const confirmation = confirmationOf(asked.text, action);
    expect(confirmation.text).toEqual(['Qvarnhult']);
    const done = await client.postForm(action, confirmation);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/avvikelser/${filed.id}?klart=personuppgift#tidslinje`);
    expect(await description(filed.id)).toBe(`Familjen ${PLACEHOLDER} ringde FK. ${PLACEHOLDER} har inte fått något besked.`);
    expect(await barrierName(barrierId)).toBe(`${PLACEHOLDER}, väntetid och besked (FK, REGION)`);
    expect(await removals(filed.id)).toBe(1);
  });

  it('a confirmation is refused when the report changed after the preview; nothing changes', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Brunnhult ringde FK.' });
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    const asked = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Brunnhult' });
    expect(asked.text).toContain('1 förekomst i avvikelsen: beskrivningen 1.');
    await db().query(`UPDATE deviation SET title = 'Brunnhult fick inget besked' WHERE id = $1`, [filed.id]);
    const action = `/avvikelser/${filed.id}/personuppgifter/bekrafta`;
    const stale = await client.postForm(action, confirmationOf(asked.text, action));
    expect(stale.status).toBe(400);
    expect(summaryOf(stale.text)).toContain('Avvikelsen har ändrats sedan du såg vad som skulle tas bort. Kontrollera igen innan du tar bort.');
    expect(await description(filed.id)).toBe('Familjen Brunnhult ringde FK.');
    expect(await removals(filed.id)).toBe(0);
  });

  it('refuses "inte", "FK" and other texts that cannot be personal data on their own, on the page and in the API, saying what to paste', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'FK har inte fått det.' });
    // A name the form would have asked about, put straight in.
    await db().query(`UPDATE deviation SET description = 'FK har inte fått det. Försäkringskassan svarade aldrig Bo Ek.' WHERE id = $1`, [filed.id]);
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    const refusals: Array<[string, string]> = [
      ['inte', '”inte” är ett vanligt ord som inte ensamt kan peka ut någon, och det skulle bytas ut överallt där det står. Klistra in själva uppgiften, t.ex. namnet eller numret.'],
      ['FK', '”FK” är en parts kod eller namn, inte en personuppgift, och står bl.a. i hindrens namn. Klistra in själva uppgiften, t.ex. namnet eller numret.'],
      ['Försäkringskassan', '”Försäkringskassan” är en parts kod eller namn, inte en personuppgift, och står bl.a. i hindrens namn. Klistra in själva uppgiften, t.ex. namnet eller numret.'],
      ['Bo', '”Bo” är för kort för att ensamt peka ut någon, och skulle bytas ut överallt där det står. Klistra in hela uppgiften, t.ex. för- och efternamnet eller numret.'],
    ];
    for (const [text, message] of refusals) {
      const refused = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text });
      expect(refused.status).toBe(400);
      expect(summaryOf(refused.text)).toContain(message);
      expect(refused.text).not.toContain('Kontrollera innan du tar bort');
      expect(formFieldsOf(refused.text, `/avvikelser/${filed.id}/personuppgifter`).text).toEqual([text]);
    }
    // The same through the API, in its words.
    const token = await createApiToken(t.app, lead);
    const api = new HttpClient(t.baseUrl);
    for (const dryRun of [true, false]) {
      const inte = await api.api('POST', `/api/deviations/${filed.id}/redactions`, { texts: ['inte'], dryRun }, token);
      expect(inte.status).toBe(400);
      expect(inte.json<ApiError>().error.fields).toEqual([
        { field: 'texts', message: '”inte” är ett vanligt ord som inte ensamt kan peka ut någon, och det skulle bytas ut överallt där det står. Ange själva uppgiften, t.ex. namnet eller numret.' },
      ]);
      const fk = await api.api('POST', `/api/deviations/${filed.id}/redactions`, { texts: ['FK'], dryRun }, token);
      expect(fk.status).toBe(400);
      expect(fk.json<ApiError>().error.fields[0].message).toContain('är en parts kod eller namn');
    }
    expect(await description(filed.id)).toBe('FK har inte fått det. Försäkringskassan svarade aldrig Bo Ek.');
    // A name of two words is fine, however short its parts.
    const named = await client.postForm(`/avvikelser/${filed.id}/personuppgifter`, { text: 'Bo Ek' });
    expect(named.status).toBe(200);
    expect(named.text).toContain('1 förekomst i avvikelsen: beskrivningen 1.');
    expect(await removals(filed.id)).toBe(0);
  });

  it('the API previews with dryRun: true (counts and places, nothing changed) and applies without it', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { title: 'Lindhult fick vänta', description: 'Lindhult ringde FK två gånger. Lindhult fick inget svar.' });
    const token = await createApiToken(t.app, lead);
    const api = new HttpClient(t.baseUrl);
    const path = `/api/deviations/${filed.id}/redactions`;
    const dry = await api.api('POST', path, { texts: ['Lindhult'], dryRun: true }, token);
    expect(dry.status).toBe(200);
    expect(dry.json<Record<string, unknown>>()).toMatchObject({
      dryRun: true,
      occurrences: 3,
      places: [
        { place: 'rubriken', count: 1 },
        { place: 'beskrivningen', count: 2 },
      ],
      summary: '3 förekomster i avvikelsen: rubriken 1, beskrivningen 2; också i 1 sparat e-postmeddelande.',
    });
    expect(await description(filed.id)).toBe('Lindhult ringde FK två gånger. Lindhult fick inget svar.');
    expect(await removals(filed.id)).toBe(0);

    const applied = await api.api('POST', path, { texts: ['Lindhult'] }, token);
    expect(applied.status).toBe(200);
    expect(applied.json<Record<string, unknown>>()).toMatchObject({ fields: ['title', 'description'] });
    expect(await description(filed.id)).toBe(`${PLACEHOLDER} ringde FK två gånger. ${PLACEHOLDER} fick inget svar.`);
  });

  it('a barrier name keeps its party codes when a word of the removed text is one of them ("Kofi Annan" and "(FK, ANNAN)")', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Läkaren Kofi Annan skrev intyget för sent till FK.' });
    const barrierId = await insertEscalatedBarrier(db(), 'Läkarintyg, Kofi och väntetid (FK, ANNAN)', ['FK', 'ANNAN'], clock.now(), 'generated');
    await db().query(`UPDATE barrier SET terms = '{läkarintyg,kofi,väntetid}' WHERE id = $1`, [barrierId]);
    await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, $2, 'engine')`, [barrierId, filed.id]);
    // Through the API, which applies at once: what the page's "Ta bort" does.
    const token = await createApiToken(t.app, lead);
    const applied = await new HttpClient(t.baseUrl).api('POST', `/api/deviations/${filed.id}/redactions`, { texts: ['Kofi Annan'] }, token);
    expect(applied.status).toBe(200);
    expect(await db().query(`SELECT name, terms FROM barrier WHERE id = $1`, [barrierId])).toEqual([
      { name: `Läkarintyg, ${PLACEHOLDER} och väntetid (FK, ANNAN)`, terms: ['läkarintyg', 'väntetid'] },
    ]);
    expect(await description(filed.id)).toBe(`Läkaren ${PLACEHOLDER} skrev intyget för sent till FK.`);
  });
});
