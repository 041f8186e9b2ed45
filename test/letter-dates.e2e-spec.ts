import { FixedClock } from '../src/common/clock/clock';
import { LetterAnswerReceived1763900001800 } from '../src/database/migrations/1763900001800-letter-answer-received';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';

interface DatesRow {
  status: string;
  sent_on: string | null;
  answer: string | null;
  answer_received_on: string | null;
  answered_on: string | null;
}

/**
 * The days a letter was sent and answered, as the analyst gives them on /skrivelser/:id: both required (filled in
 * with today), not in the future, the answer not before the letter was sent; Swedish errors at the field with the
 * rest of what was typed kept, and nothing changed. Over HTTP on a real Postgres. Today is Monday 23 November 2026.
 */
describe('a letter’s sent and answer days', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let sequence = 0;

  const row = async (letterId: string): Promise<DatesRow> =>
    (
      (await h.db.query(
        `SELECT status, to_char(sent_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS sent_on, answer, answer_received_on::text AS answer_received_on,
                to_char(answered_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS answered_on
           FROM letter WHERE id = $1`,
        [letterId],
      )) as DatesRow[]
    )[0];

  const version = async (letterId: string): Promise<string> => /name="version" value="(\d+)"/.exec((await h.client.get(`/skrivelser/${letterId}`)).text)?.[1] ?? '';

  /** The value an input of the status forms shows. */
  const statusInput = (html: string, name: string): string | undefined => new RegExp(`<input id="falt-status-${name}" name="${name}"[^>]* value="([^"]*)"`).exec(html)?.[1];

  /** A reviewed letter, created on 2 November. */
  async function reviewedLetter(): Promise<string> {
    sequence += 1;
    const letterId = await h.draftLetter(`Krav på inskrivning ${sequence}`, ['KOMMUN', 'AF'], [
      { kommun: 'Haninge', occurredOn: '2026-02-01' },
      { kommun: 'Botkyrka', occurredOn: '2026-04-10' },
      { kommun: 'Järfälla', occurredOn: '2026-09-01' },
    ]);
    await h.db.query(`UPDATE letter SET created_at = '2026-11-02T08:00:00Z' WHERE id = $1`, [letterId]);
    expect((await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'review' })).status).toBe(303);
    return letterId;
  }

  /** A letter sent on 10 November. */
  async function sentLetter(): Promise<string> {
    const letterId = await reviewedLetter();
    const sent = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'send', sentOn: '2026-11-10', bekraftat: 'ja' });
    expect(sent.status).toBe(303);
    return letterId;
  }

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
  });
  afterAll(() => h.close());

  it('"Skickad den" is required: emptied, the letter is not sent, the error says what to write and the confirmation stays ticked', async () => {
    const letterId = await reviewedLetter();
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(statusInput(page.text, 'sentOn')).toBe('2026-11-23');

    const empty = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'send', sentOn: '', bekraftat: 'ja' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Skriv datumet då skrivelsen skickades, till exempel 2026-11-23.');
    // The field stays as the analyst left it, beside its error, and the box stays ticked.
    expect(statusInput(empty.text, 'sentOn')).toBe('');
    expect(empty.text).toMatch(/value="ja" checked/);
    expect(await row(letterId)).toMatchObject({ status: 'granskad', sent_on: null });
    expect(((await h.db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'letter-sent'`)) as Array<{ n: number }>)[0].n).toBe(0);

    // Empty and unconfirmed: both said at once.
    const both = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'send', sentOn: '' });
    expect(both.status).toBe(400);
    expect(both.text).toContain('Skriv datumet då skrivelsen skickades, till exempel 2026-11-23.');
    expect(both.text).toContain('Kryssa i rutan för att bekräfta att skrivelsen är skickad');

    // The API: an empty string is refused too; left out, it is today (the call is itself explicit).
    const api = new HttpClient(h.t.baseUrl);
    const refused = await api.api('POST', `/api/letters/${letterId}/transitions`, { action: 'send', sentOn: '' }, h.token);
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: { fields: Array<{ field: string }> } }>().error.fields.map((f) => f.field)).toEqual(['sentOn']);
    expect((await api.api('POST', `/api/letters/${letterId}/transitions`, { action: 'send' }, h.token)).status).toBe(201);
    expect(await row(letterId)).toMatchObject({ status: 'skickad', sent_on: '2026-11-23' });
  });

  it('"Svaret kom den" is stored with the answer, defaults to today, and is shown on the letter’s page, in its log and in the API', async () => {
    const letterId = await sentLetter();
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(page.text).toMatch(/<label for="falt-status-answerReceivedOn">Svaret kom den <span class="required">\(obligatoriskt\)<\/span><\/label>/);
    expect(statusInput(page.text, 'answerReceivedOn')).toBe('2026-11-23');
    expect(page.text).toContain('min="2026-11-10" max="2026-11-23"');

    const answer = 'Rådet tar upp frågan på sitt möte i februari och återkommer.';
    const answered = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'answer', answerReceivedOn: '2026-11-18', answer });
    expect(answered.status).toBe(303);
    expect(await row(letterId)).toEqual({ status: 'besvarad', sent_on: '2026-11-10', answer, answer_received_on: '2026-11-18', answered_on: '2026-11-23' });

    const shown = await h.client.get(`/skrivelser/${letterId}`);
    expect(shown.text).toContain('<dt>Besvarad</dt><dd>Svaret kom 2026-11-18, registrerat');
    expect(shown.text).toContain('<h3>Svar <span class="muted">(kom 2026-11-18)</span></h3>');
    expect(shown.text).toContain('Svaret kom 2026-11-18.');
    const view = (await new HttpClient(h.t.baseUrl).api('GET', `/api/letters/${letterId}`, undefined, h.token)).json<Record<string, unknown>>();
    expect(view).toMatchObject({ status: 'besvarad', answer, answerReceivedOn: '2026-11-18' });
  });

  it('refuses an empty, future or too early answer day in Swedish with the answer kept, and says every problem at once', async () => {
    const letterId = await sentLetter();
    const answer = 'Rådet återkommer efter sitt möte.';
    const post = async (fields: Record<string, string>): Promise<string> => {
      const response = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: await version(letterId), action: 'answer', ...fields });
      expect(response.status).toBe(400);
      return response.text;
    };

    const empty = await post({ answerReceivedOn: '', answer });
    expect(empty).toContain('Skriv datumet då svaret kom, till exempel 2026-11-23.');
    expect(empty).toContain(`>${answer}</textarea>`);
    expect(statusInput(empty, 'answerReceivedOn')).toBe('');

    const future = await post({ answerReceivedOn: '2026-11-24', answer });
    expect(future).toContain('Datumet kan inte vara i framtiden (i dag är det 2026-11-23).');
    expect(statusInput(future, 'answerReceivedOn')).toBe('2026-11-24');

    const early = await post({ answerReceivedOn: '2026-11-09', answer });
    expect(early).toContain('Skrivelsen skickades 2026-11-10; svaret kan inte ha kommit före det.');

    const nonsense = await post({ answerReceivedOn: '2026-02-30', answer });
    expect(nonsense).toContain('Skriv datumet då svaret kom som ÅÅÅÅ-MM-DD, till exempel 2026-11-23.');

    // No answer and no day: both at once.
    const both = await post({ answerReceivedOn: '', answer: '' });
    expect(both).toContain('Skriv datumet då svaret kom, till exempel 2026-11-23.');
    expect(both).toContain('Skriv mottagarens svar, eller en sammanfattning av det.');

    expect(await row(letterId)).toMatchObject({ status: 'skickad', answer: null, answer_received_on: null });
    const api = await new HttpClient(h.t.baseUrl).api('POST', `/api/letters/${letterId}/transitions`, { action: 'answer', answer, answerReceivedOn: '2026-11-01' }, h.token);
    expect(api.status).toBe(400);
    expect(api.text).toContain('svaret kan inte ha kommit före det');
  });

  it('migration 1763900001800 goes down and up again, giving an earlier answer its registration day (in a transaction, rolled back)', async () => {
    const letterId = await sentLetter();
    expect(
      (await new HttpClient(h.t.baseUrl).api('POST', `/api/letters/${letterId}/transitions`, { action: 'answer', answer: 'Tack.', answerReceivedOn: '2026-11-12' }, h.token))
        .status,
    ).toBe(201);
    const runner = h.db.createQueryRunner();
    await runner.startTransaction();
    try {
      const migration = new LetterAnswerReceived1763900001800();
      await migration.down(runner);
      expect(await runner.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'letter' AND column_name = 'answer_received_on'`)).toEqual([{ n: 0 }]);
      await migration.up(runner);
      expect(await runner.query(`SELECT answer_received_on::text AS day FROM letter WHERE id = $1`, [letterId])).toEqual([{ day: '2026-11-23' }]);
      // A registered answer always has its day.
      await expect(runner.query(`UPDATE letter SET answer_received_on = NULL WHERE id = $1`, [letterId])).rejects.toThrow(/letter_answered_has_received_on/);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await row(letterId)).answer_received_on).toBe('2026-11-12');
  });
});
