import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsService } from '../src/modules/barrier/patterns.service';
import { importDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('the escalation mail counts kommuner as its reason and the barrier page do (with a predictable engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(new Date('2026-11-23T02:00:00Z')) });
    useFakePatternEngine(t.app);
  });
  afterAll(() => t.close());

  it('says the kommuner within the window in the subject, as the reason does, and the whole period’s as such', async () => {
    const analyst = await createUser(t.app, 'analyst', { email: 'analytiker@test.mia.se' });
    // Four kommuner within a year, and a fifth two years earlier.
    const places: Array<[string, string]> = [['Stockholm', '2024-01-10'], ['Haninge', '2026-02-01'], ['Botkyrka', '2026-03-01'], ['Järfälla', '2026-04-01'], ['Täby', '2026-05-01']];
    for (const [index, [kommun, occurredOn]] of places.entries()) {
      await importDeviation(t.app, {
        externalId: `K-${index}`,
        kommun,
        occurredOn,
        title: 'Avvikelse',
        description: 'Deltagaren fick inget stöd från någon av parterna. mönster:alfa',
      });
    }
    await t.app.get(PatternsService).run('full');
    const [mail] = (await t.app.get(DataSource).query(`SELECT subject, text, html FROM mail_outbox WHERE template = 'barrier-escalated'`)) as Array<{
      subject: string;
      text: string;
      html: string;
    }>;
    expect(mail.subject).toBe('Eskalerat hinder i 4 kommuner inom 12 månader: Alfa och samordning');
    expect(mail.text).toContain('Varför: Hindret återkommer i 4 kommuner (Botkyrka, Haninge, Järfälla och Täby)');
    expect(mail.text).toContain('Sammanlagt, också utanför de 12 månaderna, har hindret 5 rapporter från 5 kommuner (Botkyrka, Haninge, Järfälla, Stockholm och Täby)');
    expect(mail.html).toContain('Sammanlagt, också utanför de 12 månaderna, har hindret 5 rapporter');

    // The barrier page says the same: the reason's four within the window, five in all.
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const [{ id }] = (await t.app.get(DataSource).query(`SELECT id FROM barrier`)) as Array<{ id: string }>;
    const page = (await client.get(`/hinder/${id}`)).text;
    expect(page).toContain('Hindret återkommer i 4 kommuner');
    expect(page).toContain('<dt>Kommuner (5)</dt>');
  });
});
