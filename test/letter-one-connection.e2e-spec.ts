import { DataSource } from 'typeorm';
import { createApiToken, createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The embedded database (npm start without DATABASE_URL) serves one connection. A letter draft that asked
 * for a second one inside its transaction waited for itself until the pool gave up: no drafts at all for
 * the demo's escalated barriers, and every request in those seconds answered 500.
 */
describe('a letter draft on a one-connection pool', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { DB_POOL_SIZE: '1' } });
  });
  afterAll(() => t.close(), 60_000);

  it('is created within its own transaction, without waiting for a second connection', async () => {
    const db = t.app.get(DataSource);
    const analyst = await createUser(t.app, 'analyst');
    const token = await createApiToken(t.app, analyst);
    const [{ id: barrierId }] = (await db.query(
      `INSERT INTO barrier (name, status, parties, terms, escalation_reason, escalated_at, member_count)
       VALUES ('FK och AF hänvisar till varandra', 'eskalerad', '{FK,AF}', '{hänvisar}', 'Återkommer i flera kommuner.', now(), 0) RETURNING id`,
    )) as Array<{ id: string }>;
    for (const [kommun, text] of [
      ['Haninge', 'FK säger att AF ska bedöma arbetsförmågan och AF säger att FK ska göra det.'],
      ['Botkyrka', 'AF hänvisar till FK för bedömningen, FK hänvisar tillbaka till AF.'],
      ['Järfälla', 'Ingen av myndigheterna vill göra bedömningen av arbetsförmåga.'],
    ]) {
      await db.query(
        `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1),
              inserted AS (
                INSERT INTO deviation (municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                                       title, description, consequence, severity, status)
                SELECT p.id, p.subproject_id, 'rapportor@test.mia.se', '2026-10-01', now(), 'gransnitt', '{FK,AF}',
                       'FK och AF hänvisar till varandra', $2, 'Deltagaren fick vänta.', 'medel', 'mottagen'
                  FROM place p RETURNING id)
         INSERT INTO barrier_member (barrier_id, deviation_id, source) SELECT $3, id, 'engine' FROM inserted`,
        [kommun, text, barrierId],
      );
    }
    await db.query(`UPDATE barrier SET member_count = 3 WHERE id = $1`, [barrierId]);

    const started = Date.now();
    const response = await fetch(`${t.baseUrl}/api/letters`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ barrierId }),
    });
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM letter WHERE barrier_id = $1`, [barrierId])) as Array<{ n: number }>;
    expect(n).toBe(1);
  }, 30_000);
});
