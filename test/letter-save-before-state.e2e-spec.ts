import { FixedClock } from '../src/common/clock/clock';
import { addBarrierMember } from './support/barrier-factories';
import { formFieldsOf } from './support/form-fields';
import { TEST_PASSWORD } from './support/factories';
import { LetterHarness } from './support/letter-harness';

interface EditRow {
  status: string;
  reference_number: string | null;
  summary: string;
  contact_email: string | null;
  report_count: number;
  version: number;
}

/**
 * "Granska" and "Uppdatera underlaget nu" under the letter's editor submit the editor's form, so what the analyst
 * typed is saved first, in the same transaction as the review or the refresh: refused, nothing is saved, nothing
 * changes state and the typed text is shown again. Plain HTML (the buttons' form and formaction), so it works without
 * script. Over HTTP on a real Postgres.
 */
describe('the letter editor’s state buttons save what is typed first', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let sequence = 0;

  const row = async (letterId: string): Promise<EditRow> =>
    (
      (await h.db.query(
        `SELECT status, reference_number, summary, contact_email, (evidence_snapshot->>'reportCount')::int AS report_count, version FROM letter WHERE id = $1`,
        [letterId],
      )) as EditRow[]
    )[0];

  async function draft(): Promise<{ letterId: string; barrierId: string }> {
    sequence += 1;
    const letterId = await h.draftLetter(`Krav på inskrivning ${sequence}`, ['KOMMUN', 'AF'], [
      { kommun: 'Haninge', occurredOn: '2026-02-01' },
      { kommun: 'Botkyrka', occurredOn: '2026-04-10' },
      { kommun: 'Järfälla', occurredOn: '2026-09-01' },
    ]);
    const [{ barrier_id: barrierId }] = (await h.db.query(`SELECT barrier_id FROM letter WHERE id = $1`, [letterId])) as Array<{ barrier_id: string }>;
    return { letterId, barrierId };
  }

  /** What the browser posts when a button with form="textformular" is pressed: the editor's fields, some changed. */
  async function editorFields(letterId: string, changes: Record<string, string> = {}): Promise<{ page: string; fields: Record<string, string> }> {
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    const { _csrf: _token, ...fields } = Object.fromEntries(Object.entries(formFieldsOf(page.text, `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    return { page: page.text, fields: { ...fields, ...changes } };
  }

  const inputValue = (html: string, name: string): string | undefined => new RegExp(`<input id="falt-text-${name}" name="${name}"[^>]* value="([^"]*)"`).exec(html)?.[1];

  beforeAll(async () => {
    h = await LetterHarness.start(clock, { analyst: { name: 'Anna Andersson', email: 'anna.andersson@samordning.example.se' } });
  });
  afterAll(() => h.close());

  it('Granska with a diarienummer typed but not saved: the letter is reviewed with it', async () => {
    const { letterId } = await draft();
    const { page, fields } = await editorFields(letterId, { referenceNumber: 'Dnr 2026/77' });
    // The button belongs to the editor's form and posts it to the status address.
    expect(page).toContain(`<button type="submit" form="textformular" formaction="/skrivelser/${letterId}/status" name="action" value="review"`);
    expect(page).toContain('Granska sparar först det du har ändrat i texten ovan.');

    const reviewed = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, action: 'review' });
    expect(reviewed.status).toBe(303);
    expect(reviewed.location).toBe(`/skrivelser/${letterId}?klart=sparat-review`);
    expect(await row(letterId)).toMatchObject({ status: 'granskad', reference_number: 'Dnr 2026/77' });
    const after = await h.client.get(String(reviewed.location));
    expect(after.text).toContain('Dina ändringar är sparade och skrivelsen är granskad.');
    expect((await h.client.get(`/skrivelser/${letterId}/utskrift`)).text).toContain('<span class="letter-reference">Diarienummer: Dnr 2026/77</span>');
    // The log says both, in order.
    const kinds = (await h.db.query(`SELECT kind FROM letter_event WHERE letter_id = $1 ORDER BY id`, [letterId])) as Array<{ kind: string }>;
    expect(kinds.map((k) => k.kind)).toEqual(['created', 'edited', 'reviewed']);
  });

  it('Granska with an invalid field or personal data in the text: nothing is saved or reviewed, and what was typed is shown again', async () => {
    const { letterId } = await draft();
    const before = await row(letterId);
    const { fields } = await editorFields(letterId, { referenceNumber: 'Dnr 2026/77', contactEmail: 'anna@' });
    const invalid = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, action: 'review' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Skriv en giltig e-postadress för kontakt');
    expect(inputValue(invalid.text, 'referenceNumber')).toBe('Dnr 2026/77');
    expect(inputValue(invalid.text, 'contactEmail')).toBe('anna@');
    expect(await row(letterId)).toEqual(before);

    const summary = 'Bakgrunden som Anna Svensson berättade om.';
    const personal = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, contactEmail: 'anna.andersson@samordning.example.se', summary, action: 'review' });
    expect(personal.status).toBe(422);
    expect(personal.text).toContain('<mark>Anna Svensson</mark>');
    expect(personal.text).toContain('berättade om.</textarea>');
    expect(await row(letterId)).toEqual(before);

    // A stale version (someone saved meanwhile): nothing reviewed, the text kept to compare and save again.
    await h.db.query(`UPDATE letter SET version = version + 1 WHERE id = $1`, [letterId]);
    const stale = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, contactEmail: 'anna.andersson@samordning.example.se', action: 'review' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Din text är inte sparad men finns kvar i formuläret');
    expect(inputValue(stale.text, 'referenceNumber')).toBe('Dnr 2026/77');
    expect((await row(letterId)).status).toBe('utkast');
  });

  it('Granska with words of health typed but not saved: saved and warned of first, reviewed on the next press', async () => {
    const { letterId } = await draft();
    const summary = 'Många deltagare har depression och nekas bistånd.';
    const { fields } = await editorFields(letterId, { summary });
    const first = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, action: 'review' });
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/skrivelser/${letterId}?klart=sparat-kansliga#kansliga-i-texten`);
    expect(await row(letterId)).toMatchObject({ status: 'utkast', summary });
    const warned = await h.client.get(String(first.location).split('#')[0]);
    expect(warned.text).toContain('Dina ändringar är sparade, men skrivelsen är inte granskad än');
    expect(warned.text).toContain('(”depression” i <a href="#falt-text-summary">Bakgrund och hinder</a>)');

    // The warning has been shown: the same text and Granska again reviews it.
    const again = await editorFields(letterId);
    const reviewed = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...again.fields, action: 'review' });
    expect(reviewed.location).toBe(`/skrivelser/${letterId}?klart=review`);
    expect(await row(letterId)).toMatchObject({ status: 'granskad', summary });
  });

  it('Uppdatera underlaget nu saves what is typed first, and the refresh keeps it', async () => {
    const { letterId, barrierId } = await draft();
    await addBarrierMember(h.db, barrierId, { kommun: 'Täby', occurredOn: '2026-10-01', reporterEmail: 'rapportor.taby@kommun.example.org' });
    const summary = 'Vår egen bakgrund, skriven för hand.';
    const { page, fields } = await editorFields(letterId, { summary, referenceNumber: 'Dnr 2026/78' });
    expect(page).toContain(`<button type="submit" form="textformular" formaction="/skrivelser/${letterId}/underlag"`);

    const refreshed = await h.client.postForm(`/skrivelser/${letterId}/underlag`, fields);
    expect(refreshed.status).toBe(303);
    expect(refreshed.location).toBe(`/skrivelser/${letterId}?klart=sparat-refreshed`);
    expect(await row(letterId)).toMatchObject({ status: 'utkast', summary, reference_number: 'Dnr 2026/78', report_count: 4 });
    expect((await h.client.get(String(refreshed.location))).text).toContain('Dina ändringar är sparade och underlaget är uppdaterat.');

    // Refused, nothing is saved and the evidence is not refreshed either.
    await addBarrierMember(h.db, barrierId, { kommun: 'Salem', occurredOn: '2026-10-05', reporterEmail: 'rapportor.salem@kommun.example.org' });
    const before = await row(letterId);
    const again = await editorFields(letterId, { contactPhone: '850101-1236' });
    const refused = await h.client.postForm(`/skrivelser/${letterId}/underlag`, again.fields);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Telefonnumret för kontakt liknar ett personnummer.');
    expect(await row(letterId)).toEqual(before);
  });

  it('Granska pressed after the login ended: the text comes back with the Granska button, and is saved and reviewed after signing in', async () => {
    const { letterId } = await draft();
    const { fields } = await editorFields(letterId, { referenceNumber: 'Dnr 2026/79' });
    expect((await h.client.postForm('/logga-ut', {})).status).toBe(303);
    const resumed = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...fields, action: 'review' });
    expect(resumed.status).toBe(401);
    expect(resumed.text).toContain('value="Dnr 2026/79"');
    expect(resumed.text).toContain('<button type="submit" class="button" name="action" value="review">Granska</button>');
    const { _csrf: token, ...again } = formFieldsOf(resumed.text, `/skrivelser/${letterId}/status`);
    expect((await row(letterId)).status).toBe('utkast');

    expect((await h.client.login(h.analyst.email, TEST_PASSWORD)).status).toBe(303);
    const posted = { ...Object.fromEntries(Object.entries(again).map(([name, values]) => [name, values[0]])), action: 'review' };
    const reviewed = await h.client.postForm(`/skrivelser/${letterId}/status`, posted, { csrf: token[0] });
    expect(reviewed.status).toBe(303);
    expect(await row(letterId)).toMatchObject({ status: 'granskad', reference_number: 'Dnr 2026/79' });
  });
});
