import { FixedClock } from '../src/common/clock/clock';
import { LetterHarness } from './support/letter-harness';

/**
 * A letter form's address opened by itself: after a refusal the page is shown at the address the form posted to
 * (/skrivelser/:id/status, …/underlag), and reloading it asks for it by GET. It leads to the form on the letter page,
 * as the barrier pages do. Over HTTP on a real Postgres, as the analyst.
 */
describe('reloading a letter form’s address', () => {
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

  it('after a refused post the address it was shown at leads (303) to the form on the letter page', async () => {
    await h.client.get(`/skrivelser/${letterId}`);
    // "Markera skickad" on a draft is refused and the page is shown at the address the form posted to.
    const refused = await h.client.postForm(`/skrivelser/${letterId}/status`, { action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const reloaded = await h.client.get(`/skrivelser/${letterId}/status`);
    expect(reloaded.status).toBe(303);
    expect(reloaded.location).toBe(`/skrivelser/${letterId}#status`);

    const sections: Record<string, string> = { status: '#status', underlag: '#underlag' };
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    for (const [form, section] of Object.entries(sections)) {
      const opened = await h.client.get(`/skrivelser/${letterId}/${form}`);
      expect([form, opened.status, opened.location]).toEqual([form, 303, `/skrivelser/${letterId}${section}`]);
      expect(page.text).toContain(`id="${section.slice(1)}"`);
    }
  });

  it('the print page is still the print page, and an address that is no form is not found', async () => {
    expect((await h.client.get(`/skrivelser/${letterId}/utskrift`)).status).toBe(200);
    expect((await h.client.get(`/skrivelser/${letterId}/okand`)).status).toBe(404);
  });
});
