import { FixedClock } from '../src/common/clock/clock';
import { insertEscalatedBarrier, addBarrierMember } from './support/barrier-factories';
import { formFieldsOf } from './support/form-fields';
import { LetterHarness } from './support/letter-harness';

/**
 * Health details and other special-category words (GDPR art. 9) that the analyst writes into a letter, or that come
 * into it with the barrier name they choose, are pointed out on the editor before "Granska": a warning naming the
 * words and the fields, not a refusal. Over HTTP on a real Postgres; barriers and reports are inserted directly.
 */
describe('the letter editor warns of special-category words in the analyst’s own text', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;

  const editor = async (letterId: string): Promise<string> => {
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    return page.text;
  };
  /** The warning at the top of the editor, its markup left out; null when there is none. */
  const warning = (html: string): string | null => {
    const block = /<div class="notice-warning sensitive-text" id="kansliga-i-texten">([\s\S]*?)<\/div>/.exec(html)?.[1];
    return block === undefined ? null : block.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  };
  const version = (html: string): string => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';
  /** The editor's form as a browser posts it, with some fields changed (the client adds the CSRF token). */
  const editorForm = async (letterId: string, changes: Record<string, string>): Promise<Record<string, string>> => {
    const fields = Object.fromEntries(Object.entries(formFieldsOf(await editor(letterId), `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    const { _csrf: _token, ...rest } = fields;
    return { ...rest, ...changes };
  };
  const insertBarrierWithReports = async (name: string, nameSource: 'analyst' | 'generated'): Promise<string> => {
    const barrierId = await insertEscalatedBarrier(h.db, name, ['KOMMUN', 'AF'], clock.now(), nameSource);
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Järfälla'].entries()) {
      await addBarrierMember(h.db, barrierId, { kommun, occurredOn: `2026-0${i + 3}-10`, reporterEmail: `rapportor.${i}@kommun.example.org` });
    }
    return barrierId;
  };

  beforeAll(async () => {
    // A signatory name the editor accepts as it is offered (the default test name has digits).
    h = await LetterHarness.start(clock, { analyst: { name: 'Anna Andersson' } });
  });
  afterAll(() => h.close());

  it('a drafted letter without such words has no warning', async () => {
    const letterId = await h.startLetter(await insertBarrierWithReports('Krav på inskrivning för ekonomiskt bistånd', 'analyst'));
    const page = await editor(letterId);
    expect(warning(page)).toBeNull();
    expect(page).not.toContain('Innan du granskar');
  });

  it('names the words and fields the analyst wrote, keeps the text, and still lets the letter be reviewed', async () => {
    const letterId = await h.startLetter(await insertBarrierWithReports('Villkor för bistånd', 'analyst'));
    const saved = await h.client.postForm(
      `/skrivelser/${letterId}`,
      await editorForm(letterId, {
        summary: 'Deltagare med Depression och ångest nekas bistånd. Hennes depression förvärras när biståndet villkoras.',
        consequences: 'En deltagare som är troende muslim och har ADHD avstod från aktiviteten.',
      }),
    );
    // A warning, not a refusal: the text is stored as written.
    expect(saved.status).toBe(303);
    const [row] = (await h.db.query(`SELECT summary, consequences FROM letter WHERE id = $1`, [letterId])) as Array<{ summary: string; consequences: string }>;
    expect(row.summary).toContain('Hennes depression förvärras');
    expect(row.consequences).toContain('troende muslim');

    const page = await editor(letterId);
    expect(warning(page)).toBe(
      'Skrivelsen nämner hälsouppgifter och uppgifter om religion (”Depression” och ”ångest” i Bakgrund och hinder; ”troende muslim” och ”ADHD” i Konsekvenser för deltagarna). ' +
        'Kontrollera att ingen deltagare kan pekas ut. Allmänna ordalag om deltagarna som grupp går bra.',
    );
    // Prominent: before the text form and the state buttons, each field named linking to its field.
    expect(page.indexOf('id="kansliga-i-texten"')).toBeLessThan(page.indexOf('id="textformular"'));
    expect(page).toContain('<a href="#falt-text-summary">Bakgrund och hinder</a>');
    expect(page).toContain('<a href="#falt-text-consequences">Konsekvenser för deltagarna</a>');
    // Said again right before "Granska", and tied to the button.
    const reminder = page.indexOf('id="kansliga-granska"');
    expect(reminder).toBeGreaterThan(page.indexOf('id="rubrik-status"'));
    expect(reminder).toBeLessThan(page.indexOf('value="review"'));
    expect(page).toMatch(/<button type="submit" form="textformular" formaction="\/skrivelser\/[0-9a-f-]{36}\/status" name="action" value="review" class="button" aria-describedby="hjalp-granska kansliga-granska">Granska<\/button>/);

    expect((await h.client.postForm(`/skrivelser/${letterId}/status`, { version: version(page), action: 'review' })).status).toBe(303);
    // Reviewed, not sent: still said, before "Markera skickad"; the fields are no longer links.
    const reviewed = await editor(letterId);
    expect(warning(reviewed)).toContain('(”Depression” och ”ångest” i Bakgrund och hinder;');
    expect(reviewed).not.toContain('href="#falt-text-summary"');
    expect(reviewed.indexOf('id="kansliga-skicka"')).toBeLessThan(reviewed.indexOf('>Markera skickad</button>'));
    expect(reviewed).toContain('aria-describedby="kansliga-skicka">Markera skickad</button>');
  });

  it('names a word that came into the subject and background with the barrier name the analyst chose', async () => {
    const barrierId = await insertBarrierWithReports('Bistånd, inskrivning och krav (KOMMUN, AF)', 'generated');
    const letterId = await h.startLetter(barrierId);
    expect(warning(await editor(letterId))).toBeNull();

    await h.client.get(`/hinder/${barrierId}`);
    expect((await h.client.postForm(`/hinder/${barrierId}/namn`, { name: 'Krav på arbetssökande vid psykisk ohälsa' })).status).toBe(303);
    await editor(letterId);
    expect((await h.client.postForm(`/skrivelser/${letterId}/underlag`, {})).status).toBe(303);

    expect(warning(await editor(letterId))).toBe(
      'Skrivelsen nämner hälsouppgifter (”psykisk ohälsa” i Ämnesrad; ”psykisk ohälsa” i Bakgrund och hinder). ' +
        'Kontrollera att ingen deltagare kan pekas ut. Allmänna ordalag om deltagarna som grupp går bra.',
    );
  });
});
