import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { LetterHarness } from './support/letter-harness';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';

/**
 * "Skrivelse skickad" as the reporter reads it, over real SMTP: the list of their reports on lines of its own
 * below the sentence that introduces it, and a heading that speaks of one report or several.
 */
describe('the reporter’s mail when a letter is sent', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let smtp: SmtpCatcher;
  let h: LetterHarness;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    h = await LetterHarness.start(clock, { env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await h.close();
    await smtp.stop();
  });

  /** Reviews and sends the letter through the page, as the analyst does, and delivers the outbox. */
  async function send(letterId: string): Promise<CaughtMail[]> {
    for (const action of ['review', 'send']) {
      const page = await h.client.get(`/skrivelser/${letterId}`);
      const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
      const confirm: Record<string, string> = action === 'send' ? { bekraftat: 'ja', sentOn: '2026-11-23' } : {};
      expect((await h.client.postForm(`/skrivelser/${letterId}/status`, { version, action, ...confirm })).status).toBe(303);
    }
    const result = await h.t.app.get(MailOutboxWorker).processDueNow();
    return smtp.waitFor(result.sent);
  }

  it('lists the reports below the sentence, one a line, and the heading counts them', async () => {
    const barrierId = await insertEscalatedBarrier(h.db, 'Krav på inskrivning för bistånd', ['KOMMUN', 'AF'], clock.now());
    const several = 'flera.rapporter@kommun.example.org';
    const one = 'en.rapport@kommun.example.org';
    const a = await addBarrierMember(h.db, barrierId, { kommun: 'Haninge', occurredOn: '2026-03-01', reporterEmail: several });
    const b = await addBarrierMember(h.db, barrierId, { kommun: 'Botkyrka', occurredOn: '2026-05-10', reporterEmail: several });
    const c = await addBarrierMember(h.db, barrierId, { kommun: 'Järfälla', occurredOn: '2026-08-01', reporterEmail: one });
    const mails = await send(await h.startLetter(barrierId));
    expect(mails.map((m) => m.to).sort()).toEqual([[one], [several]]);

    const mine = mails.find((m) => m.to[0] === several) as CaughtMail;
    const [first, second] = [a.reference, b.reference].sort();
    expect(mine.text).toMatch(/^Dina rapporter ingår i en skrivelse\n/);
    expect(mine.text).toContain(`Skrivelsen bygger på 3 avvikelserapporter från 3 kommuner, bland dem dina rapporter:\n\n- ${first}\n- ${second}\n\n`);
    expect(mine.text).not.toMatch(/:- AVV/);
    expect(mine.html).toContain('Dina rapporter ingår i en skrivelse</h1>');
    expect(mine.html).toContain(`<li>${first}</li><li>${second}</li>`);

    const theirs = mails.find((m) => m.to[0] === one) as CaughtMail;
    expect(theirs.text).toMatch(/^Din rapport ingår i en skrivelse\n/);
    expect(theirs.text).toContain(`bland dem din rapport:\n\n- ${c.reference}\n\n`);
    expect(theirs.html).toContain('Din rapport ingår i en skrivelse</h1>');
  });

  it('a letter built on one report says so on its own line too', async () => {
    smtp.clear();
    const barrierId = await insertEscalatedBarrier(h.db, 'Intyg som ingen skriver', ['REGION', 'FK'], clock.now());
    const only = await addBarrierMember(h.db, barrierId, { kommun: 'Salem', occurredOn: '2026-05-04', reporterEmail: 'ensam@kommun.example.org', structural: true });
    const [mail] = await send(await h.startLetter(barrierId));
    expect(mail.text).toMatch(/^Din rapport ingår i en skrivelse\n/);
    expect(mail.text).toContain(`Skrivelsen bygger på din avvikelserapport:\n\n- ${only.reference}\n\n`);
  });
});
