import { FixedClock } from '../src/common/clock/clock';
import { formFieldsOf } from './support/form-fields';
import { LetterHarness } from './support/letter-harness';

/** n characters ending in a marker, so a cut would show. */
function text(n: number, marker: string): string {
  const words = 'Deltagarna faller mellan Försäkringskassans och Arbetsförmedlingens regler ';
  return `${words.repeat(Math.ceil(n / words.length)).slice(0, n - marker.length - 1)} ${marker}`;
}

/**
 * The letter editor's length limits: the browser never cuts a paste (no maxlength, a count instead, as on the filing
 * form), and the server's refusal names the field and how long the text is, with everything typed kept. Over HTTP
 * on a real Postgres, as the analyst.
 */
describe('text length limits in the letter editor', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let letterId: string;

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
    letterId = await h.draftLetter('Krav på inskrivning', ['KOMMUN', 'AF'], [
      { kommun: 'Haninge', occurredOn: '2026-03-10' },
      { kommun: 'Botkyrka', occurredOn: '2026-04-10' },
      { kommun: 'Järfälla', occurredOn: '2026-05-10' },
    ]);
  });
  afterAll(() => h.close());

  const editorForm = (html: string): Record<string, string> => {
    const { _csrf: _token, ...fields } = Object.fromEntries(Object.entries(formFieldsOf(html, `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    return fields;
  };

  it('the editor cuts nothing: no maxlength, each field says its limit and is tied to the count', async () => {
    const page = (await h.client.get(`/skrivelser/${letterId}`)).text;
    const start = page.indexOf(`<form method="post" action="/skrivelser/${letterId}"`);
    const form = page.slice(start, page.indexOf('</form>', start));
    expect(form).not.toMatch(/\smaxlength=/i);
    for (const [field, limit] of [
      ['recipient', 500],
      ['referenceNumber', 60],
      ['subject', 300],
      ['summary', 20000],
      ['evidence', 20000],
      ['requestedAction', 20000],
      ['signatoryName', 100],
      ['contactPhone', 25],
    ] as const) {
      const tag = new RegExp(`<(input|textarea) id="falt-text-${field}"[^>]*>`).exec(form)?.[0] ?? '';
      expect([field, tag]).toEqual([field, expect.stringContaining(`data-maxlength="${limit}"`)]);
      expect(tag).toMatch(new RegExp(`aria-describedby="[^"]*\\bantal-text-${field}\\b`));
      expect(form).toContain(`<p class="char-count" id="antal-text-${field}" data-count-for="falt-text-${field}">Högst ${limit} tecken.</p>`);
    }
  });

  it('refuses over-long text naming each field and its length, keeps everything typed, and saves nothing', async () => {
    const before = (await h.db.query(`SELECT version, subject FROM letter WHERE id = $1`, [letterId])) as Array<{ version: number; subject: string }>;
    const typed = { subject: text(301, 'AMNESSLUT'), evidence: text(20_001, 'UNDERLAGSSLUT'), consequences: text(20_005, 'KONSEKVENSSLUT') };
    const refused = await h.client.postForm(`/skrivelser/${letterId}`, { ...editorForm((await h.client.get(`/skrivelser/${letterId}`)).text), ...typed });
    expect(refused.status).toBe(400);
    for (const message of [
      'Ämnesraden får vara högst 300 tecken (nu 301).',
      'Underlaget får vara högst 20000 tecken (nu 20001).',
      'Konsekvenserna får vara högst 20000 tecken (nu 20005).',
    ]) {
      expect(refused.text).toContain(message);
    }
    expect(refused.text).not.toContain('Avsnittet får vara högst');
    const kept = editorForm(refused.text);
    expect(kept.subject).toBe(typed.subject);
    expect(kept.evidence).toBe(typed.evidence);
    expect(kept.consequences).toBe(typed.consequences);
    expect(await h.db.query(`SELECT version, subject FROM letter WHERE id = $1`, [letterId])).toEqual(before);
  });

  it('the API says the same', async () => {
    const response = await fetch(`${h.t.baseUrl}/api/letters/${letterId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: 'Nationella rådet', subject: 'Skrivelse angående krav', summary: 'Bakgrund', requestedAction: text(20_002, 'BEGARANSLUT'), version: 1 }),
    });
    const body = JSON.stringify(await response.json());
    expect(response.status).toBe(400);
    expect(body).toContain('Begäran får vara högst 20000 tecken (nu 20002).');
  });
});
