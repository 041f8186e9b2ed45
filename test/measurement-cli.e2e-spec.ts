import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { scoreClustering } from '../src/modules/barrier/engine/clustering-metrics';
import { builtEntry } from './support/built-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const run = promisify(execFile);
const SAMPLES = join(__dirname, '..', '..', 'shared', 'samples');
const REPORTS = join(SAMPLES, 'reports.jsonl');
const TRUTH = join(SAMPLES, 'truth.jsonl');
const truth = new Map(
  readFileSync(TRUTH, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { externalId: string; barrier: string | null })
    .map((row) => [row.externalId, row.barrier]),
);

interface ExportLine {
  externalId: string;
  cluster: string | null;
}

function parseLines(text: string): ExportLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportLine);
}

/** The exported assignments scored against the truth file, as the eval prints them. */
function ariOf(lines: readonly ExportLine[]): number {
  const byId = new Map(lines.map((line) => [line.externalId, line.cluster]));
  const ids = [...truth.keys()];
  return scoreClustering(
    ids.map((id) => truth.get(id) ?? null),
    ids.map((id) => byId.get(id) ?? null),
  ).ari;
}

const printedAri = (stdout: string): number => Number(/^ARI (\d\.\d{3})/m.exec(stdout)?.[1]);

describe('the measurement command line (issue 4, point 7)', () => {
  let db: TestDatabase;
  let dir: string;
  const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', DATABASE_URL: db.url, NO_COLOR: '1' });

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'avvikelser-eval-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('`export barriers --format jsonl` prints one line per deviation: its external id and its barrier or null', async () => {
    const cli = builtEntry('cli/cli.js');
    await run(process.execPath, [cli, 'import', REPORTS], { env: env() });
    const ran = await run(process.execPath, [cli, 'patterns', 'run'], { env: env() });
    expect(ran.stdout).toMatch(/hinder/);
    const exported = await run(process.execPath, [cli, 'export', 'barriers', '--format', 'jsonl'], { env: env(), maxBuffer: 20 * 1024 * 1024 });
    const lines = parseLines(exported.stdout);
    expect(lines).toHaveLength(120);
    expect(new Set(lines.map((line) => line.externalId))).toEqual(new Set(truth.keys()));
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['cluster', 'externalId']);
      expect(line.cluster === null || /^[0-9a-f-]{36}$/.test(line.cluster)).toBe(true);
    }
    // One-offs are null and the recurring barriers are found: the same figure the eval gives without confirmations.
    expect(lines.filter((line) => line.cluster === null).length).toBeGreaterThan(30);
    expect(ariOf(lines)).toBeGreaterThanOrEqual(0.7);
  }, 120_000);

  it('`eval` imports into a fresh database, prints ARI and pairwise figures, and writes the assignments it scored', async () => {
    const out = join(dir, 'assignments.jsonl');
    const result = await run(process.execPath, [builtEntry('cli/eval.js'), '--reports', REPORTS, '--truth', TRUTH, '--out', out], { env: env() });
    expect(result.stdout).toMatch(/Rapporter: 120, hinder i sanningen: 6, hinder funna: \d+, bekräftade per hinder: 0/);
    expect(result.stdout).toMatch(/^ARI \d\.\d{3} {2}precision \d\.\d{3} {2}recall \d\.\d{3} {2}F1 \d\.\d{3}$/m);
    const lines = parseLines(readFileSync(out, 'utf8'));
    expect(lines).toHaveLength(120);
    expect(printedAri(result.stdout)).toBeCloseTo(ariOf(lines), 3);
    expect(printedAri(result.stdout)).toBeGreaterThanOrEqual(0.7);
  }, 120_000);

  it('`eval --confirm-per-barrier 3` confirms as an analyst would, over several seeds, also in only some barriers', async () => {
    const eval3 = await run(process.execPath, [builtEntry('cli/eval.js'), '--reports', REPORTS, '--truth', TRUTH, '--confirm-per-barrier', '3', '--seed', '1-2'], {
      env: env(),
    });
    expect(eval3.stdout).toMatch(/^Frö 1: ARI /m);
    expect(eval3.stdout).toMatch(/^Frö 2: ARI /m);
    expect(eval3.stdout).toContain('bekräftade per hinder: 3, medelvärde över 2 frön');
    expect(printedAri(eval3.stdout)).toBeGreaterThanOrEqual(0.8);
    const partial = await run(process.execPath, [builtEntry('cli/eval.js'), '--reports', REPORTS, '--truth', TRUTH, '--confirm-per-barrier', '3', '--confirm-barriers', '2'], {
      env: env(),
    });
    expect(partial.stdout).toContain('bekräftade per hinder: 3 i de 2 första hindren');
    expect(partial.stderr).toMatch(/Verksamhetsutvecklaren bekräftar 6 rapporter \(3 per hinder i de 2 första sanna hindren, frö 1\)/);
  }, 180_000);

  it('measures every report also when the reports name kommuner outside the organisation; `import --add-municipalities` adds them', async () => {
    // Every fifth report moved to a kommun the default organisation lacks (two spellings of one of them).
    const elsewhere = ['Uppsala', 'Lidingö', 'lidingö ', 'Vallentuna'];
    const moved = readFileSync(REPORTS, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line, i) => (i % 5 === 0 ? JSON.stringify({ ...(JSON.parse(line) as object), kommun: elsewhere[(i / 5) % elsewhere.length] }) : line));
    const file = join(dir, 'elsewhere.jsonl');
    writeFileSync(file, `${moved.join('\n')}\n`);

    const out = join(dir, 'elsewhere-assignments.jsonl');
    const measured = await run(process.execPath, [builtEntry('cli/eval.js'), '--reports', file, '--truth', TRUTH, '--out', out], { env: env() });
    expect(measured.stderr).toContain('Kommuner som rapporterna nämner men organisationen saknade, tillagda i utvärderingens databas: Uppsala, Lidingö, Vallentuna.');
    expect(measured.stderr).toContain('Import: 120 rapporter, 0 avvisade');
    expect(measured.stderr).not.toContain('finns inte i databasen');
    expect(measured.stdout).toMatch(/Rapporter: 120, hinder i sanningen: 6/);
    expect(parseLines(readFileSync(out, 'utf8'))).toHaveLength(120);

    // The CLI's import refuses them with a hint, and adds them when asked (each in a delprojekt of its own).
    const scratch = await createTestDatabase();
    try {
      const scratchEnv = { ...env(), DATABASE_URL: scratch.url };
      const refused = await run(process.execPath, [builtEntry('cli/cli.js'), 'import', file], { env: scratchEnv }).then(
        () => null,
        (error: { code: number; stdout: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stdout).toContain('Kommunen "Uppsala" finns inte i organisationen.');
      expect(refused?.stdout).toContain('--add-municipalities');
      const imported = await run(process.execPath, [builtEntry('cli/cli.js'), 'import', '--add-municipalities', file], { env: scratchEnv });
      expect(imported.stdout).toContain('Nya kommuner, var och en i ett eget delprojekt (flytta dem under /admin/organisation): Uppsala, Lidingö, Vallentuna.');
      expect(imported.stdout).toMatch(/Läste 120 rader ur .*: 24 nya, 96 fanns redan, 0 avvisade/);
      const client = new Client({ connectionString: scratch.url });
      await client.connect();
      const units = (
        await client
          .query<{ kommun: string; delprojekt: string }>(
            `SELECT m.name AS kommun, s.name AS delprojekt FROM municipality m JOIN subproject s ON s.id = m.subproject_id WHERE m.name IN ('Uppsala', 'Lidingö', 'Vallentuna') ORDER BY 1`,
          )
          .finally(() => client.end())
      ).rows;
      expect(units).toEqual([
        { kommun: 'Lidingö', delprojekt: 'MIA Lidingö' },
        { kommun: 'Uppsala', delprojekt: 'MIA Uppsala' },
        { kommun: 'Vallentuna', delprojekt: 'MIA Vallentuna' },
      ]);
      // A second import adds nothing.
      const again = await run(process.execPath, [builtEntry('cli/cli.js'), 'import', file, '--add-municipalities'], { env: scratchEnv });
      expect(again.stdout).not.toContain('Nya kommuner');
      expect(again.stdout).toMatch(/0 nya, 120 fanns redan, 0 avvisade/);
    } finally {
      await scratch.drop();
    }
  }, 180_000);

  it('refuses unusable options with a Swedish message and exit code 2', async () => {
    const failed = await run(process.execPath, [builtEntry('cli/eval.js'), '--reports', REPORTS, '--truth', TRUTH, '--confirm-barriers', '2'], { env: env() }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('--confirm-barriers kräver --confirm-per-barrier N');
    expect(failed?.stderr).toContain('Användning: npm run eval');
  }, 60_000);
});
