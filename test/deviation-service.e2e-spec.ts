import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DomainError } from '../src/common/errors/domain-error';
import { maskPii } from '../src/common/pii/pii-detector';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { DeviationExportRow, DeviationImportRow } from '../src/modules/deviation/deviation.types';
import { createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const SAMPLE = resolve(__dirname, '..', '..', 'shared', 'samples', 'reports.jsonl');

function sampleRows(): DeviationImportRow[] {
  return readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeviationImportRow);
}

/** What the importer does before calling the service: mask personal data in place. */
function masked(row: DeviationImportRow): DeviationImportRow {
  const ignored = row.reporterEmail ? [row.reporterEmail] : [];
  const mask = (text: string | null | undefined): string => (text ? maskPii(text, { ignoredEmailAddresses: ignored }).text : '');
  return { ...row, title: mask(row.title), description: mask(row.description), consequence: mask(row.consequence), tried: mask(row.tried) || null };
}

describe('DeviationService for import, export and benchmark', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  const service = (): DeviationService => t.app.get(DeviationService);
  const db = (): DataSource => t.app.get(DataSource);

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  it('imports every sample row once masked, idempotently on externalId, owned by the kommun’s delprojekt, without mail', async () => {
    const rows = sampleRows().map(masked);
    expect(rows.length).toBe(120);
    const nora = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn', email: 'nora.nilsson@mia-example.se' });
    const first = [];
    for (const row of rows) first.push(await service().createFromImport(row));
    expect(first.every((r) => r.outcome === 'created')).toBe(true);
    const again = await Promise.all(rows.slice(0, 10).map((row) => service().createFromImport(row)));
    expect(again.map((r) => r.outcome)).toEqual(Array(10).fill('existing'));
    expect(again.map((r) => r.id)).toEqual(first.slice(0, 10).map((r) => r.id));

    const [counts] = (await db().query(
      `SELECT (SELECT count(*)::int FROM deviation) AS deviations,
              (SELECT count(*)::int FROM deviation_event WHERE kind = 'imported') AS events,
              (SELECT count(*)::int FROM mail_outbox) AS mails`,
    )) as Array<{ deviations: number; events: number; mails: number }>;
    expect(counts).toEqual({ deviations: 120, events: 120, mails: 0 });

    const [s1] = (await db().query(
      `SELECT d.reference, d.reporter_id, d.reporter_email, d.reported_at, s.name AS subproject, d.consequence, d.occurred_on::text AS occurred_on
         FROM deviation d JOIN subproject s ON s.id = d.subproject_id WHERE d.external_id = 'S-0001'`,
    )) as Array<Record<string, unknown>>;
    expect(s1).toMatchObject({
      reporter_id: nora.id,
      reporter_email: 'nora.nilsson@mia-example.se',
      subproject: 'MIA Östra Södertörn',
      consequence: '',
      occurred_on: '2017-09-18',
      reported_at: new Date('2017-09-18T15:58:46+02:00'),
    });
    // The reference carries the year the report came in.
    expect(s1.reference).toMatch(/^AVV-2017-\d{5}$/);
    // The personnummer in S-0003 was masked, not stored.
    const [s3] = (await db().query(`SELECT description FROM deviation WHERE external_id = 'S-0003'`)) as Array<{ description: string }>;
    expect(s3.description).not.toContain('196303091109');
  });

  it('refuses rows it cannot store, naming the field, and unmasked personal data', async () => {
    const base = masked(sampleRows()[0]);
    const attempt = async (row: DeviationImportRow): Promise<DomainError> => {
      try {
        await service().createFromImport(row);
      } catch (error) {
        if (error instanceof DomainError) return error;
        throw error;
      }
      throw new Error('borde ha avvisats');
    };
    expect((await attempt({ ...base, externalId: 'X-1', kommun: 'Vaxholm' })).code).toBe('unknown_municipality');
    const invalid = await attempt({ ...base, externalId: 'X-2', category: 'okänd', severity: 'akut', parties: ['AF', 'SKOLAN'] });
    expect(invalid.code).toBe('invalid_import_row');
    expect(invalid.fields.map((f) => f.field).sort()).toEqual(['category', 'parties', 'severity']);
    const personal = await attempt({ ...base, externalId: 'X-3', description: 'Avser 811218-9876.' });
    expect(personal.code).toBe('personal_data_found');
    expect(JSON.stringify(personal.details)).not.toContain('811218');
    const [{ n }] = (await db().query(`SELECT count(*)::int AS n FROM deviation WHERE external_id LIKE 'X-%'`)) as Array<{ n: number }>;
    expect(n).toBe(0);
  });

  it('runs inside the caller’s transaction when given a manager', async () => {
    const row = { ...masked(sampleRows()[1]), externalId: 'TX-1' };
    await expect(
      db().transaction(async (manager) => {
        expect((await service().createFromImport(row, { manager })).outcome).toBe('created');
        throw new Error('avbryt');
      }),
    ).rejects.toThrow('avbryt');
    const [{ n }] = (await db().query(`SELECT count(*)::int AS n FROM deviation WHERE external_id = 'TX-1'`)) as Array<{ n: number }>;
    expect(n).toBe(0);
  });

  it('streams every report in reference order, in batches, with names resolved and a period filter', async () => {
    const exported: DeviationExportRow[] = [];
    for await (const row of service().streamForExport({ batchSize: 7 })) exported.push(row);
    expect(exported).toHaveLength(120);
    const numbers = exported.map((row) => Number(row.reference.split('-')[2]));
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(exported[0]).toMatchObject({ externalId: 'S-0001', kommun: 'Haninge', delprojekt: 'MIA Östra Södertörn', status: 'ny', category: 'ovrigt', parties: ['FK', 'REGION'] });
    const in2017: DeviationExportRow[] = [];
    for await (const row of service().streamForExport({ from: '2017-01-01', to: '2017-12-31' })) in2017.push(row);
    expect(in2017.length).toBeGreaterThan(0);
    expect(in2017.length).toBeLessThan(120);
    expect(in2017.every((row) => row.reportedAt.startsWith('2017'))).toBe(true);
  });
});
