import { FixedClock } from '../src/common/clock/clock';
import { LetterHarness } from './support/letter-harness';

interface QuotedEvidence {
  excerpts: Array<{ text: string }>;
  consequences: Array<{ text: string }>;
  triedLocally: Array<{ text: string }>;
}

/** A label left in front of a masked value: "Mejladress: [e-postadress borttagen]", "tel: [telefonnummer borttaget]". */
const DANGLING_LABEL = /[\p{L}-]+\s*:\s*\[[^\]]*bortt\p{L}*\]/u;

/**
 * A letter quotes reports whose contact details were masked: the label in front of a masked value goes with it,
 * wherever it stood in the sentence, in the stored evidence, the editor and the printed letter. Over HTTP on a real
 * Postgres; the reports are inserted directly, so they can hold what filing would refuse.
 */
describe('quotes in a letter keep no label of a masked value', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
  });
  afterAll(() => h.close());

  it('"…, mejladress: [e-postadress borttagen], men …" is quoted as "…, men …", in the evidence, the editor and the print page', async () => {
    const letterId = await h.draftLetter('Hänvisningar mellan FK och AF', ['FK', 'AF'], [
      {
        kommun: 'Haninge',
        occurredOn: '2026-03-02',
        description: 'Deltagaren mejlade handläggaren på FK, mejladress: kim.berg@example.se, men fick inget svar på tre veckor.',
        consequence: 'Deltagaren stod utan ersättning. Mejladress: kim.berg@example.se. Ingen tog ansvar för nästa steg.',
      },
      {
        kommun: 'Botkyrka',
        occurredOn: '2026-04-10',
        description: 'Kommunen hänvisade till AF (tel: 070-123 45 67) som hänvisade tillbaka till kommunen.',
        consequence: 'Ingen insats under sex veckor, tel: 070-123 45 67 och mejl: kim.berg@example.se.',
      },
      {
        kommun: 'Järfälla',
        occurredOn: '2026-05-05',
        description: 'AF ville inte skriva in deltagaren förrän FK fattat beslut. Tel: 070-123 45 67, handläggaren svarade inte.',
      },
    ]);
    const [row] = (await h.db.query(`SELECT evidence, evidence_snapshot FROM letter WHERE id = $1`, [letterId])) as Array<{ evidence: string; evidence_snapshot: QuotedEvidence }>;
    const quotes = [...row.evidence_snapshot.excerpts, ...row.evidence_snapshot.consequences].map((quote) => quote.text);
    expect(quotes).toEqual(
      expect.arrayContaining([
        'Deltagaren mejlade handläggaren på FK, men fick inget svar på tre veckor.',
        'Kommunen hänvisade till AF som hänvisade tillbaka till kommunen.',
        'AF ville inte skriva in deltagaren förrän FK fattat beslut. Handläggaren svarade inte.',
        'Deltagaren stod utan ersättning. Ingen tog ansvar för nästa steg.',
        'Ingen insats under sex veckor.',
      ]),
    );
    for (const quote of quotes) expect(quote).not.toMatch(DANGLING_LABEL);
    expect(row.evidence).not.toMatch(DANGLING_LABEL);

    const editor = await h.client.get(`/skrivelser/${letterId}`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('Deltagaren mejlade handläggaren på FK, men fick inget svar på tre veckor.');
    expect(editor.text).not.toMatch(DANGLING_LABEL);
    const printed = await h.printedText(letterId, { tables: 'keep' });
    expect(printed).toContain('Kommunen hänvisade till AF som hänvisade tillbaka till kommunen.');
    expect(printed).not.toMatch(DANGLING_LABEL);
    expect(printed).not.toMatch(/mejladress|tel:/i);
  });
});
