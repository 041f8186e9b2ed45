import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startAppWithCapturedLog } from './support/output-capture';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { TestApp } from './support/test-app';

/** The visible text of a page, tags and scripts removed, white space collapsed. */
function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const DESCRIPTION = 'Arbetsförmedlingen hänvisade till Försäkringskassan som hänvisade tillbaka. Ingen tog ansvar för nästa steg.';

/**
 * A delprojekt without an active lead (in a fresh test app only Östra Södertörn gets one here): its reports are
 * mailed to the analysts, who may take them in, and every receipt says who was told and nothing else.
 */
describe('reports for a delprojekt without an active lead', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  let logged: string[];
  let restore: () => Promise<void>;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let hbsStaff: User;
  let ostraStaff: User;
  let ostraLead: User;
  let analyst: User;
  let otherAnalyst: User;
  let retiredAnalyst: User;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    ({ t, logged, restore } = await startAppWithCapturedLog({ env: { SMTP_URL: smtp.url }, clock }));
    hbsStaff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    ostraStaff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn', name: 'Olle Coach' });
    ostraLead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', name: 'Leo Ledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksamhetsutvecklare' });
    otherAnalyst = await createUser(t.app, 'analyst', { name: 'Ville Verksamhetsutvecklare' });
    retiredAnalyst = await createUser(t.app, 'analyst', { name: 'Gunnel Gammal' });
    await db().query(`UPDATE app_user SET active = false WHERE id = $1`, [retiredAnalyst.id]);
  });
  afterAll(async () => {
    await restore?.();
    await smtp?.stop();
  });
  beforeEach(async () => {
    smtp.clear();
    await db().query(`DELETE FROM mail_outbox`);
    logged.length = 0;
  });

  const db = (): DataSource => t.app.get(DataSource);
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const deliver = async (): Promise<CaughtMail[]> => {
    const result = await t.app.get(MailOutboxWorker).processDueNow();
    if (result.sent > 0) await smtp.waitFor(result.sent);
    return [...smtp.mails].sort((a, b) => a.to[0].localeCompare(b.to[0]));
  };
  const queued = async (): Promise<Array<{ template: string; recipients: string[] }>> =>
    (await db().query(`SELECT template, recipients FROM mail_outbox ORDER BY recipients[1]`)) as Array<{ template: string; recipients: string[] }>;
  const fileOnForm = async (client: HttpClient, kommun: string, overrides: Record<string, string> = {}): Promise<{ id: string; page: string }> => {
    await client.get('/avvikelser/ny');
    const result = await client.postForm('/avvikelser/ny', { ...(deviationBody(await municipalityId(t.app, kommun)) as Record<string, string>), ...overrides });
    expect(result.status).toBe(303);
    const id = /^\/avvikelser\/([0-9a-f-]{36})\?skickad=1$/.exec(result.location ?? '')?.[1] ?? '';
    return { id, page: (await client.get(result.location ?? '')).text };
  };
  const log = (): string => logged.join('');

  it('files for Botkyrka: the analysts are mailed (no description), the receipt says so, and an analyst can take it in', async () => {
    const staff = await signIn(hbsStaff);
    const { id, page } = await fileOnForm(staff, 'Botkyrka');
    const receipt = pageText(page);
    expect(receipt).toContain('Tack! Avvikelsen AVV-2026-');
    expect(receipt).toContain(
      'Den ägs av MIA HBS. MIA HBS har just nu ingen aktiv delprojektledare, så verksamhetsutvecklarna har fått e-post i stället. De tar emot och hanterar den tills delprojektet har en delprojektledare.',
    );
    expect(receipt).not.toContain('vars delprojektledare har fått e-post');

    // Queued in the filing's own statement, one mail per active analyst; the deactivated one gets none.
    expect(await queued()).toEqual(
      [analyst, otherAnalyst].map((a) => ({ template: 'deviation-new-without-lead', recipients: [a.email.toLowerCase()] })).sort((a, b) => a.recipients[0].localeCompare(b.recipients[0])),
    );
    const [reference] = ((await db().query(`SELECT reference FROM deviation WHERE id = $1`, [id])) as Array<{ reference: string }>).map((r) => r.reference);
    const mails = await deliver();
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.subject).toBe(`Ny avvikelse ${reference} i Botkyrka – MIA HBS saknar delprojektledare: AF och FK hänvisar till varandra`);
      expect(mail.text).toContain('MIA HBS har just nu ingen aktiv delprojektledare, så ingen där har fått e-post om den.');
      expect(mail.text).toContain(`Öppna avvikelsen och ta emot den: http://127.0.0.1/avvikelser/${id}`);
      // The report's text stays in the system.
      for (const part of [mail.text, mail.html]) {
        expect(part).not.toContain('hänvisade tillbaka');
        expect(part).not.toContain('tre veckor');
      }
    }
    expect(log()).toContain(`Delprojektet som äger ${reference} har ingen aktiv delprojektledare; 2 verksamhetsutvecklare fick mejl i stället.`);

    // The analyst stands in for the lead: Ta emot is offered and works, and the reporter hears of it.
    const vera = await signIn(analyst);
    const report = await vera.get(`/avvikelser/${id}`);
    expect(report.text).toContain('name="action" value="accept"');
    expect(pageText(report.text)).toContain('MIA HBS har ingen aktiv delprojektledare. Som verksamhetsutvecklare tar du emot och hanterar avvikelsen tills delprojektet har en.');
    smtp.clear();
    const accepted = await vera.postForm(`/avvikelser/${id}/status`, { action: 'accept' });
    expect(accepted.status).toBe(303);
    expect(pageText((await vera.get(accepted.location ?? '')).text)).toContain('Du har tagit emot avvikelsen.');
    const [row] = (await db().query(`SELECT status, assignee_id FROM deviation WHERE id = $1`, [id])) as Array<{ status: string; assignee_id: string }>;
    expect(row).toEqual({ status: 'mottagen', assignee_id: analyst.id });
    const investigated = await vera.postForm(`/avvikelser/${id}/status`, { action: 'investigate' });
    expect(investigated.status).toBe(303);
    const toReporter = (await deliver()).filter((m) => m.to.includes(hbsStaff.email.toLowerCase()));
    expect(toReporter.map((m) => m.subject)).toEqual([expect.stringContaining(reference)]);

    // The reporter writes back: the analyst responsible hears of it, as a lead would.
    smtp.clear();
    await db().query(`DELETE FROM mail_outbox`);
    await staff.get(`/avvikelser/${id}`);
    expect((await staff.postForm(`/avvikelser/${id}/kommentarer`, { visibility: 'reporter', body: 'Jag har ringt AF igen utan resultat.' })).status).toBe(303);
    expect(await queued()).toEqual([{ template: 'deviation-reporter-reply', recipients: [analyst.email.toLowerCase()] }]);

    // Staff and admins still cannot; the API refuses as well (deny by default).
    const api = new HttpClient(t.baseUrl);
    const admin = await createUser(t.app, 'admin');
    const adminToken = await createApiToken(t.app, admin);
    const refused = await api.api('POST', `/api/deviations/${id}/resolve`, { resolution: 'Löst' }, adminToken);
    expect(refused.status).toBe(403);
  });

  it('once the delprojekt has an active lead, it is the lead’s again and the analyst only has what is escalated', async () => {
    const filed = await fileDeviation(t.app, hbsStaff, 'Salem');
    expect(filed).toMatchObject({ subprojectHasLead: false, notifiedLeads: 0, notifiedAnalysts: 2 });
    const hbsLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Hugo HBS-ledare' });
    try {
      const vera = await signIn(analyst);
      const page = await vera.get(`/avvikelser/${filed.id}`);
      expect(page.text).not.toContain('name="action" value="accept"');
      expect(page.text).not.toContain('Som verksamhetsutvecklare tar du emot');
      await vera.get(`/avvikelser/${filed.id}`);
      const refused = await vera.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept' });
      expect(refused.status).toBe(403);
      expect(pageText(refused.text)).toContain('Verksamhetsutvecklare kan bara ändra status på avvikelser som eskalerats som strukturella hinder, och på avvikelser i delprojekt som saknar aktiv delprojektledare.');
      expect(((await db().query(`SELECT status FROM deviation WHERE id = $1`, [filed.id])) as Array<{ status: string }>)[0].status).toBe('ny');

      // New reports go to the lead again, and only to the lead.
      await db().query(`DELETE FROM mail_outbox`);
      const next = await fileDeviation(t.app, hbsStaff, 'Huddinge');
      expect(next).toMatchObject({ subprojectHasLead: true, notifiedLeads: 1, notifiedAnalysts: 0 });
      expect(await queued()).toEqual([{ template: 'deviation-new', recipients: [hbsLead.email.toLowerCase()] }]);
    } finally {
      await db().query(`UPDATE app_user SET active = false WHERE id = $1`, [hbsLead.id]);
    }
  });

  it('a lead filing in their own delprojekt is told it is theirs, is not warned of a missing lead, and nobody is mailed', async () => {
    const lead = await signIn(ostraLead);
    const { page } = await fileOnForm(lead, 'Haninge');
    const receipt = pageText(page);
    expect(receipt).toContain('Den ägs av MIA Östra Södertörn, där du själv är delprojektledare, så ingen annan har fått e-post. Den ligger i din kö.');
    expect(receipt).not.toContain('vars delprojektledare har fått e-post');
    expect(await queued()).toEqual([]);
    expect(log()).not.toContain('ingen aktiv delprojektledare');

    // Staff in the same delprojekt: the lead is mailed, as the receipt says.
    const { page: staffPage } = await fileOnForm(await signIn(ostraStaff), 'Tyresö');
    expect(pageText(staffPage)).toContain('Den ägs av MIA Östra Södertörn, vars delprojektledare har fått e-post.');
    expect(await queued()).toEqual([{ template: 'deviation-new', recipients: [ostraLead.email.toLowerCase()] }]);
  });

  it('with no analyst either, the receipt says nobody was told and to ask the administrator', async () => {
    await db().query(`UPDATE app_user SET active = false WHERE id = ANY($1::uuid[])`, [[analyst.id, otherAnalyst.id]]);
    try {
      const { page } = await fileOnForm(await signIn(hbsStaff), 'Huddinge');
      expect(pageText(page)).toContain(
        'MIA HBS har just nu ingen aktiv delprojektledare och det finns ingen aktiv verksamhetsutvecklare, så ingen har fått e-post om den. Säg till administratören, som kan utse en delprojektledare.',
      );
      expect(await queued()).toEqual([]);
      expect(log()).toContain('har ingen aktiv delprojektledare och ingen annan aktiv verksamhetsutvecklare; inget mejl skickades.');
    } finally {
      await db().query(`UPDATE app_user SET active = true WHERE id = ANY($1::uuid[])`, [[analyst.id, otherAnalyst.id]]);
    }
  });

  it('the API says who was told', async () => {
    const token = await createApiToken(t.app, hbsStaff);
    const created = await new HttpClient(t.baseUrl).api('POST', '/api/deviations', deviationBody(await municipalityId(t.app, 'Botkyrka')), token);
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ subproject: { name: 'MIA HBS' }, subprojectHasLead: false, notifiedLeads: 0, notifiedAnalysts: 2 });
  });

  it('a lead moving a report to a delprojekt without a lead is warned in the form and told afterwards; the analysts are mailed', async () => {
    const filed = await fileDeviation(t.app, ostraStaff, 'Nynäshamn');
    await db().query(`DELETE FROM mail_outbox`);
    const lead = await signIn(ostraLead);
    const page = await lead.get(`/avvikelser/${filed.id}`);
    // The form marks the kommuner whose delprojekt has no lead, and says what happens there.
    expect(page.text).toContain('Järfälla (MIA Järfälla) – ingen delprojektledare</option>');
    expect(page.text).toContain('Haninge (MIA Östra Södertörn)</option>');
    expect(pageText(page.text)).toContain(
      'Kommuner märkta ”ingen delprojektledare” hör till ett delprojekt som saknar aktiv delprojektledare: där får verksamhetsutvecklarna e-post i stället och tar emot avvikelsen.',
    );

    const moved = await lead.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Järfälla'), comment: 'Deltagaren bor i Järfälla.' });
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`/delprojekt/ko?flyttad=${filed.id}`);
    expect(pageText((await lead.get(moved.location ?? '')).text)).toContain(
      'Avvikelsen är flyttad till MIA Järfälla, som nu äger den. MIA Järfälla har just nu ingen aktiv delprojektledare, så verksamhetsutvecklarna har fått e-post i stället.',
    );
    const mails = (await deliver()).filter((m) => m.subject.includes('saknar delprojektledare'));
    expect(mails.map((m) => m.to[0]).sort()).toEqual([analyst.email, otherAnalyst.email].map((e) => e.toLowerCase()).sort());
    for (const mail of mails) {
      expect(mail.subject).toBe(`Avvikelse ${filed.reference} har flyttats till MIA Järfälla, som saknar delprojektledare: AF och FK hänvisar till varandra`);
      expect(mail.text).toContain('Avvikelsen gällde Nynäshamn (MIA Östra Södertörn) men har flyttats till Järfälla.');
      for (const part of [mail.text, mail.html]) {
        expect(part).not.toContain('hänvisade tillbaka');
        expect(part).not.toContain('bor i Järfälla');
      }
    }
    expect(log()).toContain(`${filed.reference} flyttades till ett delprojekt utan aktiv delprojektledare; 2 verksamhetsutvecklare fick mejl i stället.`);

    // The analysts can now take it in.
    expect((await (await signIn(otherAnalyst)).get(`/avvikelser/${filed.id}`)).text).toContain('name="action" value="accept"');
  });

  it('an analyst moving a report into a delprojekt without a lead is told the other analysts were mailed', async () => {
    const filed = await fileDeviation(t.app, ostraStaff, 'Tyresö');
    await db().query(`DELETE FROM mail_outbox`);
    const vera = await signIn(analyst);
    await vera.get(`/avvikelser/${filed.id}`);
    const moved = await vera.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Södertälje') });
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`/avvikelser/${filed.id}?klart=move`);
    expect(pageText((await vera.get(moved.location ?? '')).text)).toContain(
      'Avvikelsen är flyttad. MIA Södertälje har just nu ingen aktiv delprojektledare, så de andra verksamhetsutvecklarna har fått e-post.',
    );
    const mailed = await queued();
    expect(mailed.filter((m) => m.template === 'deviation-moved-without-lead')).toEqual([
      { template: 'deviation-moved-without-lead', recipients: [otherAnalyst.email.toLowerCase()] },
    ]);

    // A move to a delprojekt with a lead says its leads were mailed, as before.
    const back = await vera.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Haninge') });
    expect(pageText((await vera.get(back.location ?? '')).text)).toContain('Avvikelsen är flyttad. Delprojektledarna där har fått e-post.');
  });
});
