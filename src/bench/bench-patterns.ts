import 'reflect-metadata';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { CliContext, withAppContext } from '../cli/cli-command';
import { createScratchDatabase } from '../cli/scratch-database';
import { AppLogger } from '../common/logging/app-logger';
import { maskPii, preloadPiiDetector } from '../common/pii/pii-detector';
import { loadEnvConfig } from '../config/env.config';
import { EnginePatternEngine } from '../modules/barrier/pattern-engine.adapter';
import { GeneratorPlace, PatternReport } from '../modules/barrier/pattern-engine.port';
import { PatternsService, PatternsRunSummary } from '../modules/barrier/patterns.service';
import { databaseUrl, percentile, ROOT, serverUrl, withClient } from './bench-support';

/**
 * `npm run bench:patterns`: the pattern analysis through the app on 100 000 generated reports — a full
 * run's time and the process's peak RSS — then an incremental run for 100 new reports, then a second full
 * run. Targets: full under 10 s and 1 GiB, incremental under 1 s. Prints figures, with the longest
 * stall of the event loop during each run (a request waits that long); asserts nothing.
 * Options: --reports N (default 100000), --new N (default 100), --seed S, --templates FILE (reports in the
 * import format that the generator varies; default the shared samples, ../shared/samples/reports.jsonl),
 * --keep (leave the database afterwards), --repeat N (default 3: the median of N measurements is judged).
 *
 * The database is a fresh one on DATABASE_URL's server (or the local one). The runs are measured in a
 * child process, so its peak RSS is the app's own and not the generator's.
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const REPORTS = option('reports', 100_000);
const NEW_REPORTS = option('new', 100);
const SEED = option('seed', 20_261_123);
const TEMPLATES = (() => {
  const index = args.indexOf('--templates');
  return index >= 0 ? args[index + 1] : join(ROOT, '..', 'shared', 'samples', 'reports.jsonl');
})();
/** --keep: leave the database in place afterwards, to look at what the runs wrote. */
const KEEP = args.includes('--keep');
/**
 * --repeat N (default 3): the three runs are measured N times, each time in a fresh copy of the prepared
 * database and a fresh process, and the median is judged: machines of the same kind vary by a second or
 * more from one run to the next.
 */
const REPEAT = Math.max(1, Math.floor(option('repeat', 3)));
const BATCH = 5_000;
const TARGETS = { fullMs: 10_000, rssBytes: 1024 ** 3, incrementalMs: 1_000 };

interface Measured {
  full: PatternsRunSummary;
  fullMs: number;
  incremental: PatternsRunSummary;
  incrementalMs: number;
  /** A second full run, as the weekly one: barriers exist, ids are kept, little changes. */
  refull: PatternsRunSummary;
  refullMs: number;
  /** The longest the event loop stood still during each run (ms): how long a user's request could wait. */
  stallMs: { full: number; incremental: number; refull: number };
  /** Peak RSS after the first full run, and over everything measured. */
  fullRssBytes: number;
  peakRssBytes: number;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function places(client: Client): Promise<GeneratorPlace[]> {
  const rows = await client.query<{ municipality: string; subproject: string }>(
    `SELECT m.name AS municipality, s.name AS subproject FROM municipality m JOIN subproject s ON s.id = m.subproject_id ORDER BY m.name`,
  );
  return rows.rows;
}

/** Template reports from an import file, their personal data masked as the importer would. */
function readTemplates(file: string, where: readonly GeneratorPlace[]): PatternReport[] {
  const subprojectOf = new Map(where.map((place) => [place.municipality.toLowerCase(), place.subproject]));
  const mask = (text: unknown): string => (typeof text === 'string' ? maskPii(text).text : '');
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((row) => ({
      id: String(row.externalId),
      title: mask(row.title),
      description: mask(row.description),
      consequence: mask(row.consequence),
      tried: mask(row.tried),
      category: String(row.category),
      parties: Array.isArray(row.parties) ? row.parties.map(String) : [],
      municipality: String(row.kommun),
      subproject: subprojectOf.get(String(row.kommun).toLowerCase()) ?? '',
      occurredOn: String(row.occurredOn),
    }));
}

/**
 * Bulk insert as history: created_at is the report's own date, so the incremental run that follows sees
 * only the reports added after the full run as new.
 */
async function insertReports(client: Client, reports: readonly PatternReport[], createdNow: boolean): Promise<void> {
  for (let start = 0; start < reports.length; start += BATCH) {
    const batch = reports.slice(start, start + BATCH);
    await client.query(
      `INSERT INTO deviation (external_id, municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                              title, description, consequence, tried, severity, created_at, updated_at, imported_at)
       SELECT x.external_id, m.id, m.subproject_id, 'bench@mia-example.se', x.occurred_on::date, x.occurred_on::date + time '10:00',
              x.category, CASE WHEN x.parties = '' THEN '{}'::text[] ELSE string_to_array(x.parties, ',') END,
              x.title, x.description, coalesce(x.consequence, ''), x.tried, 'medel',
              CASE WHEN $10 THEN now() ELSE x.occurred_on::date + time '10:00' END, now(),
              CASE WHEN $10 THEN now() ELSE x.occurred_on::date + time '10:00' END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              AS x(external_id, kommun, occurred_on, category, parties, title, description, consequence, tried)
         JOIN municipality m ON m.name = x.kommun`,
      [
        batch.map((r) => r.id),
        batch.map((r) => r.municipality),
        batch.map((r) => r.occurredOn),
        batch.map((r) => r.category),
        batch.map((r) => r.parties.join(',')),
        batch.map((r) => r.title),
        batch.map((r) => r.description),
        batch.map((r) => r.consequence ?? null),
        batch.map((r) => r.tried ?? null),
        createdNow,
      ],
    );
  }
}

/** The child: boots the app's services on the prepared database and measures the two runs. */
async function measure(url: string): Promise<void> {
  const env = Object.assign(loadEnvConfig(), { DATABASE_URL: url, LOG_LEVEL: 'warn' as const });
  Logger.overrideLogger(new AppLogger('warn'));
  const context: CliContext = { env, database: { url, poolSize: 5, embedded: null }, stdout: process.stdout, stderr: process.stderr };
  const result = await withAppContext(context, async (app) => {
    // As the server does when it starts (main.ts): the nightly run meets a process that has them already.
    preloadPiiDetector();
    const patterns = app.get(PatternsService);
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    const stallOf = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
      stalls.reset();
      stalls.enable();
      const value = await run();
      stalls.disable();
      return [value, stalls.max / 1e6];
    };
    let started = performance.now();
    const [full, fullStall] = await stallOf(() => patterns.run('full'));
    const fullMs = performance.now() - started;
    const fullRssBytes = process.resourceUsage().maxRSS * 1024;

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const where = await places(client);
      const generated = new EnginePatternEngine().generateReports(readTemplates(TEMPLATES, where), NEW_REPORTS, SEED + 1, where);
      await insertReports(client, generated.map((r, i) => ({ ...r, id: `BENCH-NY-${i + 1}` })), true);
    } finally {
      await client.end();
    }
    started = performance.now();
    const [incremental, incrementalStall] = await stallOf(() => patterns.run('auto'));
    const incrementalMs = performance.now() - started;
    started = performance.now();
    const [refull, refullStall] = await stallOf(() => patterns.run('full'));
    const refullMs = performance.now() - started;
    const stallMs = { full: fullStall, incremental: incrementalStall, refull: refullStall };
    return { full, fullMs, fullRssBytes, incremental, incrementalMs, refull, refullMs, stallMs };
  });
  const measured: Measured = { ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.send?.(measured);
}

function measureInChild(url: string): Promise<Measured> {
  return new Promise<Measured>((resolve, reject) => {
    const child = fork(__filename, ['--measure', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: Measured | null = null;
    child.on('message', (message) => {
      result = message as Measured;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`Mätningen avslutades med kod ${code}`))));
  });
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
const verdict = (ok: boolean): string => (ok ? 'inom målet' : 'ÖVER MÅLET');
const phases = (summary: PatternsRunSummary): string =>
  `läsa ${summary.phases.readMs} ms, motorn ${summary.phases.engineMs} ms, skriva ${summary.phases.writeMs} ms, skrivelser ${summary.phases.lettersMs} ms`;

function describeRuns(measured: Measured): string {
  return `full ${seconds(measured.fullMs)} (${phases(measured.full)}), stegvis ${Math.round(measured.incrementalMs)} ms, full igen ${seconds(measured.refullMs)}, RSS ${mib(measured.fullRssBytes)} / ${mib(measured.peakRssBytes)}, ${stalls(measured)}`;
}

function stalls(measured: Measured): string {
  const { full, incremental, refull } = measured.stallMs;
  return `längsta stopp i händelseloopen ${Math.round(full)} / ${Math.round(incremental)} / ${Math.round(refull)} ms`;
}

/** The median run by one figure (with an even count, the lower of the two middle ones). */
function medianRun(runs: readonly Measured[], pick: (m: Measured) => number): Measured {
  const sorted = runs.map(pick).sort((a, b) => a - b);
  const middle = percentile(sorted, 50);
  return runs.find((m) => pick(m) === middle) as Measured;
}

/** The figures, judged on the median over the repetitions (that run is described in full). */
function report(runs: readonly Measured[]): void {
  const range = (pick: (m: Measured) => number, format: (value: number) => string): string =>
    runs.length === 1 ? '' : `, median av ${runs.length} (${runs.map((m) => format(pick(m))).join(', ')})`;
  const full = medianRun(runs, (m) => m.fullMs);
  const fullMs = full.fullMs;
  log(`Full körning: ${seconds(fullMs)} (mål < 10 s, ${verdict(fullMs < TARGETS.fullMs)}${range((m) => m.fullMs, seconds)}); ${PatternsService.describe(full.full)} (${phases(full.full)})`);
  const rss = Math.max(...runs.map((m) => m.fullRssBytes));
  log(
    `Högsta RSS i appens process: ${mib(rss)} efter den fulla körningen (högsta över upprepningarna; mål < 1 GiB, ${verdict(rss < TARGETS.rssBytes)}), ` +
      `${mib(Math.max(...runs.map((m) => m.peakRssBytes)))} efter alla tre körningarna`,
  );
  const incremental = medianRun(runs, (m) => m.incrementalMs);
  const incrementalMs = incremental.incrementalMs;
  log(
    `Stegvis körning med ${NEW_REPORTS} nya: ${Math.round(incrementalMs)} ms (mål < 1 s, ${verdict(incrementalMs < TARGETS.incrementalMs)}${range((m) => m.incrementalMs, (ms) => `${Math.round(ms)} ms`)}); ` +
      `${PatternsService.describe(incremental.incremental)} (${phases(incremental.incremental)})`,
  );
  const refull = medianRun(runs, (m) => m.refullMs);
  log(`Full körning igen (hinder finns): ${seconds(refull.refullMs)}${range((m) => m.refullMs, seconds)}; ${PatternsService.describe(refull.refull)} (${phases(refull.refull)})`);
  const longest = (pick: (m: Measured) => number): number => Math.round(Math.max(...runs.map(pick)));
  log(
    `Längsta stopp i händelseloopen (så länge kunde en användares begäran få vänta; högsta över upprepningarna): ` +
      `${longest((m) => m.stallMs.full)} ms under den fulla körningen, ${longest((m) => m.stallMs.incremental)} ms under den stegvisa, ` +
      `${longest((m) => m.stallMs.refull)} ms under den andra fulla`,
  );
}

async function main(): Promise<void> {
  const env = loadEnvConfig();
  const scratch = await createScratchDatabase(serverUrl(), 'bench_patterns', env.DB_POOL_SIZE);
  log(`Mönsteranalys, benchmark i ${scratch.description}.`);
  try {
    const client = new Client({ connectionString: scratch.handle.url });
    await client.connect();
    try {
      let started = performance.now();
      const where = await places(client);
      const reports = new EnginePatternEngine().generateReports(readTemplates(TEMPLATES, where), REPORTS, SEED, where);
      log(`Genererade ${reports.length} rapporter på ${Math.round(performance.now() - started)} ms.`);
      started = performance.now();
      await insertReports(client, reports, false);
      // An analyst to mail about escalations (the mails stay in this database's outbox).
      await client.query(`INSERT INTO app_user (email, name, role, password_hash) VALUES ('bench.analytiker@mia-example.se', 'Benchmark', 'analyst', '-')`);
      // As autovacuum would have left years of history: statistics and the visibility map (index-only scans).
      await client.query('VACUUM ANALYZE');
      log(`Lade in dem på ${Math.round(performance.now() - started)} ms.`);
    } finally {
      await client.end();
    }

    const runs: Measured[] = [];
    const prepared = new URL(scratch.handle.url).pathname.slice(1);
    for (let repetition = 1; repetition <= REPEAT; repetition++) {
      // A copy of the prepared database, so every repetition starts from the same reports and no barriers.
      const copy = REPEAT === 1 ? null : `${prepared}_r${repetition}`;
      if (copy) await withClient(serverUrl(), (client) => client.query(`CREATE DATABASE "${copy}" TEMPLATE "${prepared}"`));
      const url = copy ? databaseUrl(copy) : scratch.handle.url;
      // --keep keeps what the last repetition wrote.
      const keepCopy = KEEP && repetition === REPEAT;
      try {
        const measured = await measureInChild(url);
        runs.push(measured);
        if (REPEAT > 1) log(`Upprepning ${repetition} av ${REPEAT}: ${describeRuns(measured)}`);
      } finally {
        if (copy && !keepCopy) await withClient(serverUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`));
      }
      if (copy && keepCopy) log(`Den sista upprepningens databas finns kvar: ${url}`);
    }
    report(runs);
  } finally {
    if (KEEP) log(`Databasen finns kvar: ${scratch.handle.url}${REPEAT > 1 ? ' (som förberedd, utan hinder)' : ''}`);
    else await scratch.drop();
  }
}

const measureIndex = args.indexOf('--measure');
(measureIndex >= 0 ? measure(args[measureIndex + 1]) : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`Fel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
