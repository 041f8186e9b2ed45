import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The second review of the analyst's pages: each test is one finding, over HTTP on a real Postgres.
 * Barriers and reports are inserted directly. Today is Monday 23 November 2026 (2026 K4).
 */
describe('the analyst’s pages, second review', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let db: DataSource;
  let analyst: User;
  let client: HttpClient;

  async function insertBarrier(name: string, parties: string[]): Promise<string> {
    const rows = (await db.query(
      `INSERT INTO barrier (name, status, parties, terms, escalation_reason, escalated_at, member_count)
       VALUES ($1, 'eskalerad', $2, '{krav}', 'Återkommer i flera kommuner.', $3, 0) RETURNING id`,
      [name, parties, clock.now()],
    )) as Array<{ id: string }>;
    return rows[0].id;
  }

  async function addMember(barrier: string, kommun: string, occurredOn: string, reporterEmail: string, reason: string[] = []): Promise<{ id: string; reference: string }> {
    const rows = (await db.query(
      `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1)
       INSERT INTO deviation (municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                              title, description, consequence, severity, status)
       SELECT p.id, p.subproject_id, $2, $3, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'gransnitt', '{KOMMUN,AF}',
              'Krav på arbetssökande', 'Socialtjänsten kräver inskrivning på AF som villkor för bistånd, fast deltagaren inte kan arbeta.',
              'Deltagaren riskerar att bli utan försörjning.', 'medel', 'mottagen'
         FROM place p
       RETURNING id, reference`,
      [kommun, reporterEmail, occurredOn],
    )) as Array<{ id: string; reference: string }>;
    await db.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', $3)`, [barrier, rows[0].id, reason]);
    await db.query(`UPDATE barrier SET member_count = member_count + 1 WHERE id = $1`, [barrier]);
    return rows[0];
  }

  /** The /hinder table row of one barrier. */
  function rowOf(html: string, barrierId: string): string {
    const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    return rows.find((row) => row.includes(`/hinder/${barrierId}"`)) ?? '';
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);
    analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('every barrier’s quarters run to today’s quarter, so one that has gone quiet shows as quiet, not rising', async () => {
    const quiet = await insertBarrier('Tyst hinder', ['KOMMUN', 'AF']);
    for (const [kommun, date] of [['Haninge', '2025-08-01'], ['Botkyrka', '2025-10-02'], ['Järfälla', '2025-10-11']]) {
      await addMember(quiet, kommun, date, 'rapportor@kommun.example.org');
    }
    const waning = await insertBarrier('Avtagande hinder', ['KOMMUN', 'AF']);
    for (const [kommun, date] of [['Haninge', '2026-04-01'], ['Tyresö', '2026-05-01'], ['Salem', '2026-06-01'], ['Huddinge', '2026-08-01']]) {
      await addMember(waning, kommun, date, 'rapportor@kommun.example.org');
    }

    const list = await client.get('/hinder');
    expect(list.status).toBe(200);
    const quietRow = rowOf(list.text, quiet);
    expect(quietRow).toContain('Tyst');
    expect(quietRow).not.toContain('Ökar');
    expect(quietRow).toContain('2026 K4: 0');
    const waningRow = rowOf(list.text, waning);
    expect(waningRow).toContain('Minskar');
    expect(waningRow).toContain('2026 K4: 0.');

    const page = await client.get(`/hinder/${quiet}`);
    expect(page.text).toContain('2026 K3: 0 · 2026 K4: 0 (tyst)');

    const api = await client.api('GET', `/api/barriers/${quiet}`);
    const body = api.json<{ trend: { quarters: Array<{ label: string }>; direction: string } }>();
    expect(body.trend.direction).toBe('tyst');
    expect(body.trend.quarters.map((q) => q.label).at(-1)).toBe('2026 K4');
    const all = (await client.api('GET', '/api/barriers')).json<Array<{ id: string; trend: { direction: string } }>>();
    expect(all.find((b) => b.id === waning)?.trend.direction).toBe('minskar');
  });
});
