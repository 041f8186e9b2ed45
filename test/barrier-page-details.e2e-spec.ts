import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { PatternsRunMode, PatternsRunSummary, PatternsService } from '../src/modules/barrier/patterns.service';
import { importDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

let sequence = 0;

/** The smaller things the reviewer found on the barrier pages. */
describe('the barrier pages’ details (with a predictable engine)', () => {
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  let t: TestApp;
  let client: HttpClient;
  let barrierId = '';

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
    for (const [kommun, date] of [['Haninge', '2026-02-01'], ['Botkyrka', '2026-03-01'], ['Täby', '2026-04-01']]) {
      sequence += 1;
      await importDeviation(t.app, {
        externalId: `P-${String(sequence).padStart(4, '0')}`,
        kommun,
        occurredOn: date,
        title: 'Avvikelse',
        description: 'Deltagaren fick inget stöd från någon av parterna. mönster:alfa',
      });
    }
    await t.app.get(PatternsService).run('full');
    [{ id: barrierId }] = (await t.app.get(DataSource).query(`SELECT id FROM barrier`)) as Array<{ id: string }>;
    const analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
  });
  afterAll(() => t.close());

  it('"Flytta in" with an unknown reference says at the field that no report has it', async () => {
    await client.get(`/hinder/${barrierId}`);
    const refused = await client.postForm(`/hinder/${barrierId}/flytta-in`, { report: 'AVV-1999-99999' });
    expect(refused.status).toBe(404);
    const fieldError = /<p class="error-message" id="fel-in-report">([\s\S]*?)<\/p>/.exec(refused.text)?.[1] ?? '';
    expect(fieldError).toContain('Ingen rapport har referensen &quot;AVV-1999-99999&quot;. Kontrollera den mot rapporten, t.ex. AVV-2018-00042.');
    expect(refused.text).toContain('value="AVV-1999-99999"');
    // Said once in the summary (the field's fuller message, linked) and once at the field, not a third time.
    expect(refused.text.split('Ingen rapport har referensen &quot;AVV-1999-99999&quot;.').length - 1).toBe(2);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '';
    expect(summary).toContain('href="#falt-in-report"');
  });

  it('"Byt namn" starts from the name as the page shows it, without party codes', async () => {
    const page = await client.get(`/hinder/${barrierId}`);
    expect(page.text).toContain('<h1>Alfa och samordning</h1>');
    expect(page.text).toContain('name="name" type="text" value="Alfa och samordning"');
    expect(page.text).not.toContain('(AF, FK)');
  });

  it('opening a form’s address by itself (reloading it after a refusal) leads to the form on the barrier page', async () => {
    await client.get(`/hinder/${barrierId}`);
    const refused = await client.postForm(`/hinder/${barrierId}/namn`, { name: 'x' });
    expect(refused.status).toBe(400);
    const reloaded = await client.get(`/hinder/${barrierId}/namn`);
    expect(reloaded.status).toBe(303);
    expect(reloaded.location).toBe(`/hinder/${barrierId}#rubrik-namn`);
    expect((await client.get(String(reloaded.location).split('#')[0])).status).toBe(200);
    const sections: Record<string, string> = {
      bekrafta: '#rubrik-bekrafta',
      'sla-ihop': '#rubrik-sla-ihop',
      dela: '#rubrik-dela',
      'flytta-in': '#rubrik-flytta-in',
      'flytta-ut': '#rapporter',
      'lokal-atgard': '#rubrik-lokal-atgard',
      'lokal-atgard/ta-bort': '#rubrik-lokal-atgard',
    };
    for (const [form, section] of Object.entries(sections)) {
      const opened = await client.get(`/hinder/${barrierId}/${form}`);
      expect([form, opened.status, opened.location]).toEqual([form, 303, `/hinder/${barrierId}${section}`]);
    }
    // Every section named is on the page (merging only once there is another barrier to merge with).
    const page = (await client.get(`/hinder/${barrierId}`)).text;
    for (const section of new Set(Object.values(sections))) if (section !== '#rubrik-sla-ihop') expect(page).toContain(`id="${section.slice(1)}"`);
    expect((await client.get('/hinder/kor-analys')).location).toBe('/hinder');
    expect((await client.get('/hinder/tesaurus/00000000-0000-4000-8000-000000000000/ta-bort')).location).toBe('/hinder/tesaurus');
    const unknown = await client.get(`/hinder/${barrierId}/okand`);
    expect(unknown.status).toBe(404);
  });

  it('says the analysis has started only while it runs, not next to the finished result when reloaded', async () => {
    const patterns = t.app.get(PatternsService);
    const run = patterns.run.bind(patterns);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The run waits for the test, so the page can be read while it runs.
    patterns.run = async (mode?: PatternsRunMode): Promise<PatternsRunSummary> => {
      await gate;
      return run(mode);
    };
    try {
      await client.get('/hinder');
      const started = await client.postForm('/hinder/kor-analys', {});
      expect(started.location).toBe('/hinder?analys=startad');
      const running = await client.get('/hinder?analys=startad');
      expect(running.text).toContain('Mönsteranalysen har startat. Ladda om sidan om en stund för att se resultatet.');
      release();
      await t.app.get(PatternsJob).settled();
      const finished = await client.get('/hinder?analys=startad');
      expect(finished.text).not.toContain('Mönsteranalysen har startat');
      expect(finished.text).toContain('Senast körd');
      expect((await client.get('/hinder?analys=pagar')).text).not.toContain('Mönsteranalysen körs redan');
    } finally {
      release();
      patterns.run = run;
    }
  });
});
