import { FixedClock } from '../src/common/clock/clock';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { formFieldsOf } from './support/form-fields';
import { LetterHarness } from './support/letter-harness';
import { summaryOf } from './support/pii-quote';

/** 1985-01-01 with a check digit that fails: a mistyped personnummer the detector lets through. */
const MISTYPED = '850101-1234';
const MASKED = '••••••-••34';
/** The same day with the right check digit: a personnummer, refused outright. */
const VALID = '850101-1236';
const CONSEQUENCE = `Deltagaren ${MISTYPED} fick avslag.`;

/**
 * A letter leaves the organisation, and a barrier's name goes into mails, CSVs and letter headers: a number in them that
 * looks like a mistyped personnummer is asked about once, as the deviation forms ask ("Det är inte ett personnummer –
 * skicka ändå"), and the API refuses it with 400 id_number_near_miss unless the call says confirmNotPersonalData: true.
 * Review and send look at the stored text one last time: a number there nobody has vouched for stops them.
 */
describe('numbers that look like a mistyped personnummer in letters and barrier names', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;

  const page = async (path: string): Promise<string> => {
    const shown = await h.client.get(path);
    expect(shown.status).toBe(200);
    return shown.text;
  };
  /** The editor's form as a browser posts it, with some fields changed. */
  const editorForm = async (letterId: string, changes: Record<string, string>): Promise<Record<string, string>> => {
    const fields = Object.fromEntries(Object.entries(formFieldsOf(await page(`/skrivelser/${letterId}`), `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    const { _csrf: _token, ...rest } = fields;
    return { ...rest, ...changes };
  };
  const confirmValue = (html: string): string | null =>
    /name="_inte_personnummer" value="([^"]+)"[^>]*>Det är (?:inte ett|inga) personnummer – skicka ändå<\/button>/.exec(summaryOf(html))?.[1] ?? null;
  const letterRow = async (letterId: string): Promise<{ status: string; consequences: string; id_numbers_confirmed: string[]; version: number }> =>
    ((await h.db.query(`SELECT status, consequences, id_numbers_confirmed, version FROM letter WHERE id = $1`, [letterId])) as Array<{
      status: string;
      consequences: string;
      id_numbers_confirmed: string[];
      version: number;
    }>)[0];
  const barrierWithReports = async (name: string): Promise<string> => {
    const barrierId = await insertEscalatedBarrier(h.db, name, ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Järfälla'].entries()) {
      await addBarrierMember(h.db, barrierId, { kommun, occurredOn: `2026-0${i + 3}-10`, reporterEmail: `rapportor.${i}@kommun.example.org` });
    }
    return barrierId;
  };
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof h.client.api> => h.client.api(method, path, body, h.token);
  const reviewPage = async (letterId: string): Promise<{ status: number; text: string }> => {
    const version = /name="version" value="(\d+)"/.exec(await page(`/skrivelser/${letterId}`))?.[1] ?? '';
    return h.client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'review' });
  };

  beforeAll(async () => {
    h = await LetterHarness.start(clock, { analyst: { name: 'Anna Andersson' } });
  });
  afterAll(() => h.close());

  it('the editor asks before saving, quotes the number masked at its field, and saves nothing until answered', async () => {
    const letterId = await h.startLetter(await barrierWithReports('Krav på inskrivning för bistånd'));
    const before = await letterRow(letterId);
    const form = await editorForm(letterId, { consequences: CONSEQUENCE });
    const asked = await h.client.postForm(`/skrivelser/${letterId}`, form);
    expect(asked.status).toBe(422);
    const summary = summaryOf(asked.text);
    expect(summary).toContain('Texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats ännu.');
    expect(summary).toContain('<a href="#falt-text-consequences">Konsekvenserna innehåller ett nummer som ser ut som ett personnummer:</a>');
    expect(summary).toContain(`<mark>${MASKED}</mark>`);
    expect(summary).toContain('>Ta bort numret åt mig</button>');
    expect(summary).not.toContain(MISTYPED);
    // What was typed comes back in the field; nothing is stored.
    expect(formFieldsOf(asked.text, `/skrivelser/${letterId}`).consequences).toEqual([CONSEQUENCE]);
    expect(await letterRow(letterId)).toEqual(before);

    // "Ta bort numret åt mig": the placeholder, still nothing saved.
    const removed = await h.client.postForm(`/skrivelser/${letterId}`, { ...form, _personuppgifter: 'ta-bort-nummer' });
    expect(removed.status).toBe(200);
    expect(formFieldsOf(removed.text, `/skrivelser/${letterId}`).consequences).toEqual(['Deltagaren [personnummer borttaget] fick avslag.']);
    expect(await letterRow(letterId)).toEqual(before);

    // "Det är inte ett personnummer – skicka ändå": saved as typed, the answer stored as a fingerprint, not the number.
    const confirm = confirmValue(asked.text);
    expect(confirm).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const saved = await h.client.postForm(`/skrivelser/${letterId}`, { ...form, _inte_personnummer: confirm ?? '' });
    expect(saved.status).toBe(303);
    const row = await letterRow(letterId);
    expect(row.consequences).toBe(CONSEQUENCE);
    expect(row.id_numbers_confirmed).toEqual([confirm]);
    expect(row.id_numbers_confirmed.join()).not.toContain('850101');

    // Vouched for once, it is not asked about at the next save or at "Granska" (which saves the editor's text first).
    expect((await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { summary: `${form.summary} Tillägg.` }))).status).toBe(303);
    const reviewed = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...(await editorForm(letterId, {})), action: 'review' });
    expect(reviewed.status).toBe(303);
    expect((await letterRow(letterId)).status).toBe('granskad');
  });

  it('a number typed again after it was taken out is asked about again; a valid personnummer is refused outright', async () => {
    const letterId = await h.startLetter(await barrierWithReports('Krav på arbetsträning för bistånd'));
    const form = await editorForm(letterId, { consequences: CONSEQUENCE });
    const confirm = confirmValue((await h.client.postForm(`/skrivelser/${letterId}`, form)).text) ?? '';
    expect((await h.client.postForm(`/skrivelser/${letterId}`, { ...form, _inte_personnummer: confirm })).status).toBe(303);
    expect((await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { consequences: 'Deltagaren fick avslag.' }))).status).toBe(303);
    expect((await letterRow(letterId)).id_numbers_confirmed).toEqual([]);
    expect((await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { consequences: CONSEQUENCE }))).status).toBe(422);

    const valid = await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { consequences: `Deltagaren ${VALID} fick avslag.` }));
    expect(valid.status).toBe(422);
    expect(summaryOf(valid.text)).toContain('Ta bort personuppgifterna åt mig');
    expect(summaryOf(valid.text)).not.toContain('skicka ändå');
  });

  it('review and send look at the stored text once more: a number nobody vouched for stops them, named at its field', async () => {
    const letterId = await h.startLetter(await barrierWithReports('Intyg som ingen skriver'));
    // As a refresh of the generated text (or a letter saved before the question) can bring one in.
    await h.db.query(`UPDATE letter SET consequences = $2 WHERE id = $1`, [letterId, CONSEQUENCE]);

    // "Granska" from a page without the editor's text (the API below likewise): refused, the question at the field.
    const review = await reviewPage(letterId);
    expect(review.status).toBe(400);
    const summary = summaryOf(review.text);
    expect(summary).toContain('Skrivelsen är inte granskad: texten innehåller ett nummer som ser ut som ett personnummer');
    expect(summary).toContain('<a href="#falt-text-consequences">Konsekvenserna innehåller ett nummer som ser ut som ett personnummer:</a>');
    expect(summary).toContain(`<mark>${MASKED}</mark>`);
    expect(summary).not.toContain(MISTYPED);
    expect((await letterRow(letterId)).status).toBe('utkast');
    // "Granska" under the editor asks before anything is saved or reviewed.
    const asked = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...(await editorForm(letterId, {})), action: 'review' });
    expect(asked.status).toBe(422);
    expect((await letterRow(letterId)).status).toBe('utkast');

    // Reviewed over the API with the flag (which stores the answer), then the number is swapped behind its back: send stops.
    const apiReview = await api('POST', `/api/letters/${letterId}/transitions`, { action: 'review' });
    expect(apiReview.status).toBe(400);
    expect(apiReview.json<{ error: { code: string; message: string; fields: Array<{ field: string; message: string }> } }>().error).toMatchObject({
      code: 'id_number_near_miss',
      fields: [{ field: 'consequences', message: 'Konsekvenserna innehåller ett nummer som ser ut som ett personnummer (tecken 12–22). Ta bort det, eller bekräfta att det inte är ett personnummer.' }],
    });
    expect(apiReview.text).not.toContain(MISTYPED);
    expect((await api('POST', `/api/letters/${letterId}/transitions`, { action: 'review', confirmNotPersonalData: true })).status).toBe(201);
    expect((await letterRow(letterId)).id_numbers_confirmed).toHaveLength(1);
    await h.db.query(`UPDATE letter SET consequences = $2 WHERE id = $1`, [letterId, 'Deltagaren 850101-1243 fick avslag.']);
    const version = /name="version" value="(\d+)"/.exec(await page(`/skrivelser/${letterId}`))?.[1] ?? '';
    const send = await h.client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(send.status).toBe(400);
    const sendSummary = summaryOf(send.text);
    expect(sendSummary).toContain('Skrivelsen är inte markerad som skickad och ingen har fått e-post: texten innehåller ett nummer som ser ut som ett personnummer');
    expect(sendSummary).toContain('Konsekvenserna innehåller ett nummer som ser ut som ett personnummer:');
    expect(sendSummary).toContain('<mark>••••••-••43</mark>');
    // Answered for in the draft: no button on the reviewed letter.
    expect(sendSummary).not.toContain('skicka ändå');
    expect((await letterRow(letterId)).status).toBe('granskad');
    expect(((await h.db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'letter-sent'`)) as Array<{ n: number }>)[0].n).toBe(0);
    expect((await api('POST', `/api/letters/${letterId}/transitions`, { action: 'send', sentOn: '2026-11-23' })).status).toBe(400);
    expect((await letterRow(letterId)).status).toBe('granskad');
  });

  it('the API refuses a save with 400 and a Swedish message unless confirmNotPersonalData is true', async () => {
    const letterId = await h.startLetter(await barrierWithReports('Glapp när sjukpenningen upphör'));
    const current = (await api('GET', `/api/letters/${letterId}`)).json<Record<string, unknown>>();
    const body = {
      recipient: current.recipient,
      subject: current.subject,
      summary: current.summary,
      requestedAction: current.requestedAction,
      consequences: CONSEQUENCE,
      version: current.version,
    };
    const refused = await api('PATCH', `/api/letters/${letterId}`, body);
    expect(refused.status).toBe(400);
    const error = refused.json<{ error: { code: string; message: string; details?: unknown } }>().error;
    expect(error.code).toBe('id_number_near_miss');
    expect(error.message).toContain('Inget har sparats.');
    expect(error.message).toContain('confirmNotPersonalData: true');
    expect(refused.text).not.toContain(MISTYPED);
    expect((await letterRow(letterId)).consequences).not.toContain(MISTYPED);
    expect((await api('PATCH', `/api/letters/${letterId}`, { ...body, confirmNotPersonalData: 'ja' })).status).toBe(400);
    const saved = await api('PATCH', `/api/letters/${letterId}`, { ...body, confirmNotPersonalData: true });
    expect(saved.status).toBe(200);
    expect((await letterRow(letterId)).consequences).toBe(CONSEQUENCE);
    // Vouched for at the save, the review goes through without the flag.
    expect((await api('POST', `/api/letters/${letterId}/transitions`, { action: 'review' })).status).toBe(201);
  });

  it('the recipient’s answer asks the same way on the page, and the API refuses it without the flag', async () => {
    const letterId = await h.startLetter(await barrierWithReports('Ingen försörjning mellan FK och AF'));
    expect((await api('POST', `/api/letters/${letterId}/transitions`, { action: 'review' })).status).toBe(201);
    expect((await api('POST', `/api/letters/${letterId}/transitions`, { action: 'send', sentOn: '2026-11-23' })).status).toBe(201);
    const answer = `Rådet har tagit emot skrivelsen med beteckning ${MISTYPED} och återkommer.`;
    const apiRefused = await api('POST', `/api/letters/${letterId}/transitions`, { action: 'answer', answer });
    expect(apiRefused.status).toBe(400);
    expect(apiRefused.json<{ error: { code: string } }>().error.code).toBe('id_number_near_miss');

    await page(`/skrivelser/${letterId}`);
    const asked = await h.client.postForm(`/skrivelser/${letterId}/status`, { action: 'answer', answer, answerReceivedOn: '2026-11-23' });
    expect(asked.status).toBe(422);
    expect(summaryOf(asked.text)).toContain('Svaret innehåller ett nummer som ser ut som ett personnummer:');
    expect(summaryOf(asked.text)).toContain(`<mark>${MASKED}</mark>`);
    expect(formFieldsOf(asked.text, `/skrivelser/${letterId}/status`).answer).toEqual([answer]);
    expect((await letterRow(letterId)).status).toBe('skickad');
    const confirm = confirmValue(asked.text) ?? '';
    const answered = await h.client.postForm(`/skrivelser/${letterId}/status`, { action: 'answer', answer, answerReceivedOn: '2026-11-23', _inte_personnummer: confirm });
    expect(answered.status).toBe(303);
    expect((await letterRow(letterId)).status).toBe('besvarad');
  });

  it('a barrier’s new name and a split’s name ask on the page and are refused by the API without the flag', async () => {
    const barrierId = await barrierWithReports('Krav på inskrivning');
    const name = `Hinder för ${MISTYPED}`;
    await page(`/hinder/${barrierId}`);
    const asked = await h.client.postForm(`/hinder/${barrierId}/namn`, { name });
    expect(asked.status).toBe(422);
    expect(summaryOf(asked.text)).toContain('Namnet innehåller ett nummer som ser ut som ett personnummer:');
    expect(summaryOf(asked.text)).toContain(`<mark>${MASKED}</mark>`);
    expect(summaryOf(asked.text)).not.toContain(MISTYPED);
    const barrierName = async (id: string): Promise<string> => ((await h.db.query(`SELECT name FROM barrier WHERE id = $1`, [id])) as Array<{ name: string }>)[0].name;
    expect(await barrierName(barrierId)).toBe('Krav på inskrivning');
    const removed = await h.client.postForm(`/hinder/${barrierId}/namn`, { name, _personuppgifter: 'ta-bort-nummer' });
    expect(formFieldsOf(removed.text, `/hinder/${barrierId}/namn`).name).toEqual(['Hinder för [personnummer borttaget]']);
    const renamed = await h.client.postForm(`/hinder/${barrierId}/namn`, { name, _inte_personnummer: confirmValue(asked.text) ?? '' });
    expect(renamed.status).toBe(303);
    expect(await barrierName(barrierId)).toBe(name);
    // A valid personnummer is refused as personal data, as before.
    expect((await h.client.postForm(`/hinder/${barrierId}/namn`, { name: `Hinder för ${VALID}` })).status).toBe(422);
    expect(await barrierName(barrierId)).toBe(name);

    const apiRename = await api('PATCH', `/api/barriers/${barrierId}`, { name: 'Hinder för 850101-1243' });
    expect(apiRename.status).toBe(400);
    expect(apiRename.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'id_number_near_miss', message: expect.stringContaining('Namnet följer med i e-post, CSV-filer och skrivelser') });
    expect(await barrierName(barrierId)).toBe(name);
    expect((await api('PATCH', `/api/barriers/${barrierId}`, { name: 'Hinder för 850101-1243', confirmNotPersonalData: true })).status).toBe(200);

    const members = (await h.db.query(`SELECT deviation_id FROM barrier_member WHERE barrier_id = $1 ORDER BY deviation_id`, [barrierId])) as Array<{ deviation_id: string }>;
    const splitName = `Avdelat ${MISTYPED}`;
    const splitAsked = await h.client.postForm(`/hinder/${barrierId}/dela`, { deviationIds: members[0].deviation_id, name: splitName });
    expect(splitAsked.status).toBe(422);
    expect(summaryOf(splitAsked.text)).toContain('Namnet innehåller ett nummer som ser ut som ett personnummer:');
    expect(((await h.db.query(`SELECT count(*)::int AS n FROM barrier WHERE name = $1`, [splitName])) as Array<{ n: number }>)[0].n).toBe(0);
    const apiSplit = await api('POST', `/api/barriers/${barrierId}/split`, { deviationIds: [members[0].deviation_id], name: splitName });
    expect(apiSplit.status).toBe(400);
    expect(apiSplit.json<{ error: { code: string } }>().error.code).toBe('id_number_near_miss');
    const split = await h.client.postForm(`/hinder/${barrierId}/dela`, { deviationIds: members[0].deviation_id, name: splitName, _inte_personnummer: confirmValue(splitAsked.text) ?? '' });
    expect(split.status).toBe(303);
    expect(((await h.db.query(`SELECT count(*)::int AS n FROM barrier WHERE name = $1`, [splitName])) as Array<{ n: number }>)[0].n).toBe(1);
  });
});
