import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { createApiToken, createUser } from './support/factories';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NASTY_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  ' ',
  '\u0000',
  'x'.repeat(100_000),
  '🙂'.repeat(500),
  "'; DROP TABLE deviation; --",
  '<script>alert(1)</script>',
  '2026-02-30',
  '9999-12-31',
  'igår',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  [],
  ['AF', 'AF', 'XX'],
  [1, 2, 3],
  {},
  { $ne: null },
  { __proto__: { admin: true } },
  'Karin Andersson ringde 070-123 45 67 om 811218-9876',
];

function mutate(valid: Record<string, unknown>, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const roll = random();
  if (roll < 0.05) return pick(['', 'null', '[]', '"text"', '{', '{"a":', '12', 'true', '{"__proto__":{"x":1}}']);
  const payload: Record<string, unknown> = { ...valid };
  const changes = 1 + Math.floor(random() * 3);
  for (let i = 0; i < changes; i++) {
    const key = pick([...Object.keys(valid), 'extra', '__proto__', 'constructor', 'status', 'subprojectId']);
    if (random() < 0.3) delete payload[key];
    else payload[key] = pick(NASTY_VALUES);
  }
  // A few stay valid, so the test also proves that good rows go in whole.
  return random() < 0.05 ? JSON.stringify(valid) : JSON.stringify(payload);
}

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

describe('filing and import withstand random and malformed input', () => {
  let t: TestApp;
  let staffToken: string;
  let analystToken: string;
  let municipalityId: string;

  beforeAll(async () => {
    t = await startTestApp();
    staffToken = await createApiToken(t.app, await createUser(t.app, 'staff'));
    analystToken = await createApiToken(t.app, await createUser(t.app, 'analyst'));
    municipalityId = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Haninge'`))[0].id;
  });
  afterAll(() => t.close(), 60_000);

  it('10 000 payloads to POST /api/deviations: no 5xx, and every 201 is one whole report with its audit event', async () => {
    const random = rng(20261123);
    const valid = {
      municipalityId,
      occurredOn: '2026-11-20',
      category: 'gransnitt',
      parties: ['AF', 'FK'],
      title: 'AF och FK hänvisar till varandra',
      description: 'Ingen av myndigheterna tar ansvar för nästa steg.',
      consequence: 'Deltagaren blev utan ersättning.',
      severity: 'medel',
    };
    const bodies = Array.from({ length: 10_000 }, () => mutate(valid, random));
    const statuses = new Map<number, number>();
    await inBatches(bodies, 16, async (body) => {
      const response = await fetch(`${t.baseUrl}/api/deviations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staffToken}`, 'content-type': random() < 0.02 ? 'text/xml' : 'application/json' },
        body,
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    });
    const serverErrors = [...statuses].filter(([status]) => status >= 500);
    expect(serverErrors).toEqual([]);
    const created = statuses.get(201) ?? 0;
    expect(created).toBeGreaterThan(100);
    const db = t.app.get(DataSource);
    const [{ reports, whole }] = (await db.query(
      `SELECT count(*)::int AS reports,
              count(*) FILTER (WHERE (SELECT count(*) FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'filed') = 1)::int AS whole
         FROM deviation d`,
    )) as Array<{ reports: number; whole: number }>;
    expect(reports).toBe(created);
    expect(whole).toBe(created);
    // Nothing identifying slipped through the guard.
    const leaked = (await db.query(`SELECT count(*)::int AS n FROM deviation WHERE description ~ '811218-9876|070-123 45 67'`))[0].n;
    expect(leaked).toBe(0);
  }, 600_000);

  it('10 000 mutated import lines: answered 200, every line counted, stored rows whole', async () => {
    const random = rng(42);
    const samples = readFileSync(join(__dirname, '..', '..', 'shared', 'samples', 'reports.jsonl'), 'utf8').split('\n').filter(Boolean);
    const db = t.app.get(DataSource);
    const before = (await db.query(`SELECT count(*)::int AS n FROM deviation`))[0].n as number;
    let created = 0;
    for (let file = 0; file < 20; file++) {
      const lines = Array.from({ length: 500 }, (_, i) => {
        const row = JSON.parse(samples[Math.floor(random() * samples.length)]) as Record<string, unknown>;
        row.externalId = `F-${file}-${i}`;
        return random() < 0.1 ? JSON.stringify(row).slice(0, Math.floor(random() * 80)) : mutate(row, random);
      });
      const response = await fetch(`${t.baseUrl}/api/deviations/import?format=jsonl`, {
        method: 'POST',
        headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'application/x-ndjson' },
        body: lines.join('\n'),
      });
      expect(response.status).toBe(200);
      const summary = (await response.json()) as { lines: number; created: number; existing: number; rejected: unknown[] };
      expect(summary.created + summary.existing + summary.rejected.length).toBe(summary.lines);
      created += summary.created;
    }
    const after = (await db.query(`SELECT count(*)::int AS n FROM deviation`))[0].n as number;
    expect(after - before).toBe(created);
    const partial = (await db.query(
      `SELECT count(*)::int AS n FROM deviation d WHERE d.external_id LIKE 'F-%'
          AND NOT EXISTS (SELECT 1 FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'imported')`,
    ))[0].n;
    expect(partial).toBe(0);
  }, 300_000);
});

describe('mail survives an SMTP outage', () => {
  it('SMTP stopped, 20 reports filed, SMTP started: 20 mails, each delivered once', async () => {
    const smtp = await SmtpCatcher.start();
    const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
    const t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    try {
      const lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
      const staffToken = await createApiToken(t.app, await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' }));
      const municipalityId = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Tyresö'`))[0].id;
      await smtp.stop();
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${t.baseUrl}/api/deviations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            municipalityId,
            occurredOn: '2026-11-20',
            category: 'regelverk',
            parties: ['KOMMUN'],
            title: `Avvikelse nummer ${i + 1}`,
            description: 'Ekonomiskt bistånd kräver inskrivning som vi inte kan ordna.',
            consequence: 'Deltagaren fick vänta.',
            severity: 'lag',
          }),
        });
        expect(response.status).toBe(201);
      }
      const worker = t.app.get(MailOutboxWorker);
      await worker.processDueNow();
      await worker.processDueNow();
      expect(smtp.mails).toHaveLength(0);
      await smtp.start();
      // Past every backoff, then twice more: nothing may go twice.
      clock.advanceDays(1);
      await worker.processDueNow();
      await worker.processDueNow();
      clock.advanceDays(1);
      await worker.processDueNow();
      const toLead = smtp.mails.filter((mail) => mail.to.includes(lead.email));
      expect(toLead).toHaveLength(20);
      expect(new Set(toLead.map((mail) => mail.subject)).size).toBe(20);
      expect(new Set(toLead.map((mail) => mail.messageId)).size).toBe(20);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });
});
