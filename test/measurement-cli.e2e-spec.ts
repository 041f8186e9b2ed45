import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
