import { FixedClock } from '../src/common/clock/clock';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { formFieldsOf } from './support/form-fields';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';

interface LetterRow {
  id: string;
  barrier_id: string;
  status: string;
  report_count: number;
}

/**
 * A barrier's skrivelse seen from the barrier pages, and what merging two barriers does to their letters: the letter
 * follows the reports to the surviving barrier (and can be refreshed from them), no second letter can be started for
 * them, and where both barriers have a letter under way both are kept and shown. Over HTTP on a real Postgres, as the
 * analyst clicks; barriers and reports are inserted directly. Today is Monday 23 November 2026.
 */
describe('barriers and their letters', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let api: HttpClient;
  let sequence = 0;

  /** An escalated barrier with three reports in three kommuner. */
  async function barrier(name: string, kommuner: string[] = ['Haninge', 'Botkyrka', 'Järfälla']): Promise<string> {
    sequence += 1;
    const id = await insertEscalatedBarrier(h.db, `${name} ${sequence}`, ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of kommuner.entries()) {
      await addBarrierMember(h.db, id, { kommun, occurredOn: `2026-0${i + 3}-10`, reporterEmail: `rapportor.${sequence}.${i}@kommun.example.org` });
    }
    return id;
  }

  const lettersOf = async (barrierId: string): Promise<LetterRow[]> =>
    (await h.db.query(
      `SELECT id, barrier_id, status, COALESCE((evidence_snapshot->>'reportCount')::int, 0) AS report_count FROM letter WHERE barrier_id = $1 ORDER BY created_at`,
      [barrierId],
    )) as LetterRow[];
  const letter = async (letterId: string): Promise<LetterRow> =>
    (
      (await h.db.query(`SELECT id, barrier_id, status, COALESCE((evidence_snapshot->>'reportCount')::int, 0) AS report_count FROM letter WHERE id = $1`, [
        letterId,
      ])) as LetterRow[]
    )[0];

  /** Started on 2 November, so it can have been sent on an earlier day than today. */
  const backdate = async (letterId: string): Promise<void> => {
    await h.db.query(`UPDATE letter SET created_at = '2026-11-02T08:00:00Z' WHERE id = $1`, [letterId]);
  };

  /** "Slå ihop" on the surviving barrier's page, confirmed; what the confirmation said of the letters, as text. */
  async function merge(survivor: string, absorbed: string): Promise<string> {
    const { confirmation, merged } = await mergeThroughConfirmation(h.client, survivor, absorbed);
    expect(merged.status).toBe(303);
    const section = /<section aria-labelledby="rubrik-skrivelser">[\s\S]*?<\/section>/.exec(confirmation.text)?.[0] ?? '';
    return section.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  }

  const transition = async (letterId: string, body: Record<string, string>): Promise<void> => {
    expect((await api.api('POST', `/api/letters/${letterId}/transitions`, body, h.token)).status).toBe(201);
  };

  /** The /hinder table row of one barrier. */
  function rowOf(html: string, barrierId: string): string {
    return (html.match(/<tr\b[^>]*>[\s\S]*?<\/tr>/g) ?? []).find((row) => row.includes(`/hinder/${barrierId}"`)) ?? '';
  }

  /** The barrier page's "Skrivelse" section. */
  async function letterSection(barrierId: string): Promise<string> {
    const page = await h.client.get(`/hinder/${barrierId}`);
    expect(page.status).toBe(200);
    return /<section class="card" aria-labelledby="rubrik-skrivelse" id="skrivelse">[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
  }

  /** The barriers offered under "Starta en skrivelse" on /skrivelser. */
  async function offered(): Promise<string> {
    const page = await h.client.get('/skrivelser');
    return /<select id="falt-barrierId"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
  }

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
    api = new HttpClient(h.t.baseUrl);
  });
  afterAll(() => h.close());

  it('an escalated barrier without a letter says so and offers "Skapa skrivelse"; then the pages show the letter and its status', async () => {
    const barrierId = await barrier('Krav på inskrivning');
    const list = await h.client.get('/hinder');
    expect(rowOf(list.text, barrierId)).toContain(`<a href="/hinder/${barrierId}#skrivelse" class="muted">Ingen skrivelse`);
    const before = await letterSection(barrierId);
    expect(before).toContain('Hindret är eskalerat men har ingen skrivelse än.');
    expect(before).toContain('>Skapa skrivelse</button>');

    // The button as the page has it.
    const fields = Object.fromEntries(Object.entries(formFieldsOf(before, '/skrivelser')).map(([name, values]) => [name, values[0]]));
    expect(fields.barrierId).toBe(barrierId);
    const created = await h.client.postForm('/skrivelser', { barrierId: fields.barrierId });
    expect(created.status).toBe(303);
    const [draft] = await lettersOf(barrierId);
    expect(created.location).toBe(`/skrivelser/${draft.id}?klart=created`);
    // The letter names its barrier with a link back.
    expect((await h.client.get(`/skrivelser/${draft.id}`)).text).toContain(`Hinder: <a href="/hinder/${barrierId}">`);

    const section = await letterSection(barrierId);
    expect(section).toMatch(new RegExp(`<a href="/skrivelser/${draft.id}">Skrivelse angående [^<]+</a>: utkast, ändrad 2026-11-23\\.`));
    expect(section).not.toContain('Skapa skrivelse');
    expect(rowOf((await h.client.get('/hinder')).text, barrierId)).toContain(`<a href="/skrivelser/${draft.id}" class="muted">Skrivelse: utkast`);

    await backdate(draft.id);
    await transition(draft.id, { action: 'review' });
    await transition(draft.id, { action: 'send', sentOn: '2026-11-16' });
    expect(await letterSection(barrierId)).toContain(': skickad, skickad 2026-11-16.');
    await transition(draft.id, { action: 'answer', answer: 'Rådet återkommer.', answerReceivedOn: '2026-11-20' });
    const answered = await letterSection(barrierId);
    expect(answered).toContain(': besvarad, svaret kom 2026-11-20.');
    // Answered, a follow-up can be started from here.
    expect(answered).toContain('>Skapa en ny skrivelse</button>');
  });

  it('GET /api/barriers/:id lists the barrier’s letters, with the one that stayed with a barrier merged into it', async () => {
    const survivor = await barrier('Krav på inskrivning');
    const absorbed = await barrier('Villkor för bistånd', ['Täby', 'Salem', 'Tyresö']);
    const ownId = await h.startLetter(survivor);
    const otherId = await h.startLetter(absorbed);
    await backdate(ownId);
    await transition(ownId, { action: 'review' });
    await transition(ownId, { action: 'send', sentOn: '2026-11-16' });
    await merge(survivor, absorbed);

    const response = await api.api('GET', `/api/barriers/${survivor}`, undefined, h.token);
    expect(response.status).toBe(200);
    const { letters } = response.json<{ letters: Array<Record<string, unknown>> }>();
    const own = (await api.api('GET', `/api/letters/${ownId}`, undefined, h.token)).json<{ subject: string; createdAt: string; updatedAt: string }>();
    // Under way first, newest first: the draft that stayed with the merged barrier was started after the sent one.
    expect(letters).toEqual([
      expect.objectContaining({ id: otherId, status: 'utkast', fromMergedBarrier: { id: absorbed, name: expect.stringMatching(/^Villkor för bistånd \d+$/) } }),
      {
        id: ownId,
        status: 'skickad',
        statusLabel: 'Skickad',
        subject: own.subject,
        sentOn: '2026-11-16',
        answerReceivedOn: null,
        createdAt: own.createdAt,
        updatedAt: own.updatedAt,
        evidenceOutdated: false,
        fromMergedBarrier: null,
        path: `/skrivelser/${ownId}`,
      },
    ]);
    // A barrier without letters has an empty list.
    const bare = await barrier('Väntetid på intyg');
    expect((await api.api('GET', `/api/barriers/${bare}`, undefined, h.token)).json<{ letters: unknown[] }>().letters).toEqual([]);
  });

  it('a barrier that is not escalated offers a letter too, less prominently', async () => {
    const barrierId = await barrier('Väntetid på intyg');
    await h.db.query(`UPDATE barrier SET status = 'bekraftad', escalated_at = NULL, escalation_reason = NULL WHERE id = $1`, [barrierId]);
    const section = await letterSection(barrierId);
    expect(section).toContain('Ingen skrivelse. Skrivelser skrivs oftast för eskalerade hinder');
    expect(section).toContain('<button type="submit" class="button secondary">Skapa skrivelse</button>');
    expect(rowOf((await h.client.get('/hinder')).text, barrierId)).not.toContain('Skrivelse');
  });

  it('merging in a barrier with a draft: the draft follows, its evidence can be refreshed from all the reports, and no second letter can be started', async () => {
    const survivor = await barrier('Krav på inskrivning');
    const absorbed = await barrier('Villkor för bistånd', ['Täby', 'Salem', 'Tyresö']);
    const draftId = await h.startLetter(absorbed);
    // The confirmation said so first.
    expect(await merge(survivor, absorbed)).toMatch(/^Skrivelser Skrivelsen Skrivelse angående [^(]+ \(utkast\) flyttas med rapporterna till ”Krav på inskrivning \d+” och gäller sedan det hindret\.$/);

    expect(await letter(draftId)).toMatchObject({ barrier_id: survivor, status: 'utkast', report_count: 3 });
    const page = await h.client.get(`/skrivelser/${draftId}`);
    expect(page.text).toContain(`Hinder: <a href="/hinder/${survivor}">`);
    expect(page.text).toContain('Hindret har nu 6 rapporter, men underlaget bygger på 3.');
    expect(page.text).toContain('Skrivelsen följer nu');
    expect(await letterSection(survivor)).toContain('Underlaget bygger inte på hindrets rapporter som de är nu');
    // Not offered for a second letter, on /skrivelser or on the barrier page.
    expect(await offered()).not.toContain(survivor);
    expect(await letterSection(survivor)).not.toContain('Skapa skrivelse');

    const refreshed = await h.client.postForm(`/skrivelser/${draftId}/underlag`, {});
    expect(refreshed.status).toBe(303);
    expect(refreshed.location).toBe(`/skrivelser/${draftId}?klart=refreshed`);
    expect(await letter(draftId)).toMatchObject({ barrier_id: survivor, report_count: 6 });
    expect((await h.client.get(`/skrivelser/${draftId}`)).text).not.toContain('men underlaget bygger på');

    // Starting a letter for the barrier through the API refreshes this one rather than making a second.
    const again = await api.api('POST', '/api/letters', { barrierId: survivor }, h.token);
    expect(again.json<{ letterId: string }>().letterId).toBe(draftId);
    expect(await lettersOf(survivor)).toHaveLength(1);
  });

  it('merging in a barrier with a sent letter: it follows as sent, can be answered, and a follow-up starts only after that', async () => {
    const survivor = await barrier('Krav på inskrivning');
    const absorbed = await barrier('Villkor för bistånd', ['Täby', 'Salem', 'Tyresö']);
    const sentId = await h.startLetter(absorbed);
    await backdate(sentId);
    await transition(sentId, { action: 'review' });
    await transition(sentId, { action: 'send', sentOn: '2026-11-16' });
    expect(await merge(survivor, absorbed)).toMatch(/ \(skickad\) flyttas med rapporterna till ”Krav på inskrivning \d+” och gäller sedan det hindret\.$/);

    expect(await letter(sentId)).toMatchObject({ barrier_id: survivor, status: 'skickad', report_count: 3 });
    expect(await offered()).not.toContain(survivor);
    expect(await letterSection(survivor)).toContain(': skickad, skickad 2026-11-16.');
    await transition(sentId, { action: 'answer', answer: 'Rådet återkommer.', answerReceivedOn: '2026-11-20' });
    expect(await letterSection(survivor)).toContain('>Skapa en ny skrivelse</button>');
  });

  it('merging when both barriers have a draft: both are kept and shown, the merged one cannot be refreshed until the other is answered, then it follows', async () => {
    const survivor = await barrier('Krav på inskrivning');
    const absorbed = await barrier('Villkor för bistånd', ['Täby', 'Salem', 'Tyresö']);
    const ownId = await h.startLetter(survivor);
    const otherId = await h.startLetter(absorbed);
    // The confirmation says that both are kept, and where.
    const said = await merge(survivor, absorbed);
    expect(said).toMatch(/Båda hindren har en skrivelse på gång, och båda finns kvar: Skrivelse angående [^(]+ \(utkast\) här, och Skrivelse angående [^(]+ \(utkast\), som ligger kvar hos ”Villkor för bistånd \d+” och visas på sidan för ”Krav på inskrivning \d+”\./);
    expect(said).toContain('Skicka inte båda om samma rapporter');
    expect(said).not.toContain('flyttas med rapporterna');

    // Neither is lost: the merged barrier's draft stays with it, and the survivor's page lists both.
    expect(await letter(ownId)).toMatchObject({ barrier_id: survivor, status: 'utkast' });
    expect(await letter(otherId)).toMatchObject({ barrier_id: absorbed, status: 'utkast' });
    const section = await letterSection(survivor);
    expect(section).toContain(`<a href="/skrivelser/${ownId}">`);
    expect(section).toContain(`<a href="/skrivelser/${otherId}">`);
    expect(section).toMatch(/Från det sammanslagna hindret ”Villkor för bistånd \d+”/);
    expect(section).not.toContain('Skapa');

    const stayed = await h.client.get(`/skrivelser/${otherId}`);
    expect(stayed.text).toMatch(/är sammanslaget med <a href="\/hinder\/[0-9a-f-]{36}">Krav på inskrivning \d+<\/a>/);
    expect(stayed.text).toContain(`Det hindret har redan en skrivelse: <a href="/skrivelser/${ownId}">utkast</a>.`);
    expect(stayed.text).toContain('hade en skrivelse under arbete. Den här ligger kvar');
    // Refreshing says why it cannot, instead of "Underlaget är redan aktuellt".
    const refused = await h.client.postForm(`/skrivelser/${otherId}/underlag`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Underlaget kan därför inte uppdateras här');
    expect(refused.text).not.toContain('Underlaget är redan aktuellt');
    expect(await letter(otherId)).toMatchObject({ barrier_id: absorbed, report_count: 3 });

    // Once the survivor's letter is answered, the merged barrier's draft follows on refresh and gets all the reports.
    await transition(ownId, { action: 'review' });
    await transition(ownId, { action: 'send', sentOn: '2026-11-23' });
    await transition(ownId, { action: 'answer', answer: 'Rådet återkommer.' });
    expect(await letterSection(survivor)).not.toContain('Skapa');
    expect((await h.client.postForm(`/skrivelser/${otherId}/underlag`, {})).status).toBe(303);
    expect(await letter(otherId)).toMatchObject({ barrier_id: survivor, status: 'utkast', report_count: 6 });
  });
});
