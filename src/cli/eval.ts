import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { AuthUser } from '../common/auth/auth-user';
import { AppLogger } from '../common/logging/app-logger';
import { EnvConfig, EnvValidationError, loadEnvConfig } from '../config/env.config';
import { BarrierService } from '../modules/barrier/barrier.service';
import { BarrierAssignment } from '../modules/barrier/barrier.types';
import { ClusteringScores, PatternEngine } from '../modules/barrier/pattern-engine.port';
import { PatternsService } from '../modules/barrier/patterns.service';
import { ImportExportService } from '../modules/import-export/import-export.service';
import { UserService } from '../modules/user/user.service';
import { CliUsageError, parseOptions, withAppContext } from './cli-command';
import { parseSeeds } from './eval-seeds';
import { createScratchDatabase } from './scratch-database';

/**
 * `npm run eval -- --reports FILE --truth FILE [--confirm-per-barrier N [--confirm-barriers K]] [--seed S | --seed 1,2,3 | --seed 1-8] [--out FILE]`
 *
 * Measures the barriers the app finds against a truth file, on a fresh database: imports the reports
 * (as `npm run cli -- import --add-municipalities` does: a kommun the default organisation lacks is added
 * in a delprojekt of its own, so every report is measured), lets a simulated analyst confirm N random reports of each true
 * barrier (seeded; with --confirm-barriers K only in the first K true barriers by name, as an analyst
 * partway through), runs the pattern analysis through the app, writes the assignments (the JSONL of
 * `export barriers`) to --out, and prints ARI and pairwise precision, recall and F1. With several
 * seeds each is measured on its own fresh database and the mean is printed too (which reports the
 * analyst happens to confirm moves the figure by several hundredths).
 */

interface TruthRow {
  externalId: string;
  barrier: string | null;
}

const USAGE = 'Användning: npm run eval -- --reports FIL --truth FIL [--confirm-per-barrier N [--confirm-barriers K]] [--seed S | --seed 1,2,3 | --seed 1-8] [--out FIL]';


/** mulberry32: a small seeded generator, so the same seed confirms the same reports. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

async function readTruth(file: string): Promise<TruthRow[]> {
  const rows: TruthRow[] = [];
  for (const [index, line] of (await readFile(file, 'utf8')).split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const value = JSON.parse(line) as { externalId?: unknown; barrier?: unknown };
    if (typeof value.externalId !== 'string' || (value.barrier !== null && typeof value.barrier !== 'string')) {
      throw new CliUsageError(`Rad ${index + 1} i sanningsfilen saknar externalId eller barrier (sträng eller null).`);
    }
    rows.push({ externalId: value.externalId, barrier: value.barrier });
  }
  return rows;
}

async function collect(app: INestApplicationContext): Promise<BarrierAssignment[]> {
  const all: BarrierAssignment[] = [];
  for await (const batch of app.get(BarrierService).assignments()) all.push(...batch);
  return all;
}

/** The analyst who confirms and gets the escalation mails (in the scratch database's outbox). */
async function createAnalyst(app: INestApplicationContext): Promise<AuthUser> {
  const analyst = await app.get(UserService).create({
    email: `eval.${randomBytes(4).toString('hex')}@mia-example.se`,
    name: 'Utvärderingen',
    role: 'analyst',
    password: randomBytes(18).toString('base64url'),
  });
  return { id: analyst.id, email: analyst.email, name: analyst.name, role: 'analyst', subprojectId: null };
}

/**
 * As an analyst would after a first run: for each true barrier, N of its reports go into the app barrier
 * that already holds most of them (or a new one), confirmed. With `barrierCount`, only in the first that
 * many true barriers (by name), as an analyst partway through would.
 */
async function confirmAsAnalyst(app: INestApplicationContext, user: AuthUser, truth: TruthRow[], perBarrier: number, seed: number, barrierCount: number | null): Promise<number> {
  const barriers = app.get(BarrierService);
  const current = (await collect(app)).filter((a) => a.externalId !== null);
  const idByExternal = new Map(current.map((a) => [a.externalId as string, a.deviationId]));
  const clusterOf = new Map(current.map((a) => [a.externalId as string, a.cluster]));
  const random = seededRandom(seed);
  const labels = [...new Set(truth.map((row) => row.barrier).filter((label): label is string => label !== null))].sort().slice(0, barrierCount ?? undefined);
  const claimed = new Set<string>();
  let confirmed = 0;
  for (const label of labels) {
    const members = truth.filter((row) => row.barrier === label && idByExternal.has(row.externalId)).map((row) => row.externalId);
    const chosen = sample(members, perBarrier, random);
    if (chosen.length === 0) continue;
    const votes = new Map<string, number>();
    for (const externalId of chosen) {
      const cluster = clusterOf.get(externalId);
      if (cluster && !claimed.has(cluster)) votes.set(cluster, (votes.get(cluster) ?? 0) + 1);
    }
    const target = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    const deviationIds = chosen.map((externalId) => idByExternal.get(externalId) as string);
    if (target) {
      claimed.add(target);
      for (const deviationId of deviationIds) await barriers.moveIn(user, target, deviationId);
    } else {
      claimed.add(await barriers.createFromReports(user, deviationIds, undefined, { minReports: 1 }));
    }
    confirmed += chosen.length;
  }
  return confirmed;
}

interface Measurement {
  assignments: BarrierAssignment[];
  scores: ClusteringScores;
  scored: TruthRow[];
}

/** One measurement on its own scratch database. */
interface Confirmation {
  perBarrier: number;
  /** Confirm in only this many true barriers (the first by name); null: in all. */
  barrierCount: number | null;
}

async function measure(env: EnvConfig, reportsText: string, truth: TruthRow[], confirmation: Confirmation, seed: number, log: (line: string) => void): Promise<Measurement> {
  const { perBarrier, barrierCount } = confirmation;
  const scratch = await createScratchDatabase(env.DATABASE_URL, 'eval', env.DB_POOL_SIZE);
  log(`Utvärderar i ${scratch.description}.`);
  try {
    const context = { env, database: scratch.handle, stdout: process.stdout, stderr: process.stderr };
    return await withAppContext(context, async (app) => {
      // Every report is measured: kommuner outside the default organisation are added first, each in a delprojekt of its own.
      const added = await app.get(ImportExportService).addMissingMunicipalities(reportsText, 'jsonl');
      if (added.length > 0) log(`Kommuner som rapporterna nämner men organisationen saknade, tillagda i utvärderingens databas: ${added.join(', ')}.`);
      const imported = await app.get(ImportExportService).importText(reportsText, 'jsonl');
      log(`Import: ${imported.created} rapporter, ${imported.rejected.length} avvisade, ${imported.reportsWithPersonalData} med personuppgifter maskerade.`);
      for (const problem of imported.rejected) log(`  rad ${problem.line}: ${problem.reason}`);
      const patterns = app.get(PatternsService);
      const analyst = await createAnalyst(app);
      if (perBarrier > 0) {
        log(`Första körning: ${PatternsService.describe(await patterns.run('full'))}`);
        const count = await confirmAsAnalyst(app, analyst, truth, perBarrier, seed, barrierCount);
        const where = barrierCount === null ? 'per sant hinder' : `per hinder i de ${barrierCount} första sanna hindren`;
        log(`Verksamhetsutvecklaren bekräftar ${count} rapporter (${perBarrier} ${where}, frö ${seed}).`);
      }
      log(`Körning: ${PatternsService.describe(await patterns.run('full'))}`);
      const all = await collect(app);
      const clusterOf = new Map(all.filter((a) => a.externalId !== null).map((a) => [a.externalId as string, a.cluster]));
      const inDatabase = truth.filter((row) => clusterOf.has(row.externalId));
      if (inDatabase.length < truth.length) log(`${truth.length - inDatabase.length} rapporter i sanningsfilen finns inte i databasen och räknas inte.`);
      const result = app.get(PatternEngine).score(
        inDatabase.map((row) => row.barrier),
        inDatabase.map((row) => clusterOf.get(row.externalId) ?? null),
      );
      return { assignments: all, scores: result, scored: inDatabase };
    });
  } finally {
    await scratch.drop();
  }
}

function scoreLine(scores: ClusteringScores): string {
  return `ARI ${scores.ari.toFixed(3)}  precision ${scores.precision.toFixed(3)}  recall ${scores.recall.toFixed(3)}  F1 ${scores.f1.toFixed(3)}`;
}

async function main(argv: string[]): Promise<number> {
  const { options } = parseOptions(argv);
  const reportsFile = options.get('reports');
  const truthFile = options.get('truth');
  if (!reportsFile || !truthFile || reportsFile === 'true' || truthFile === 'true') throw new CliUsageError('--reports och --truth måste anges.');
  const perBarrier = Number(options.get('confirm-per-barrier') ?? 0);
  if (!Number.isInteger(perBarrier) || perBarrier < 0) throw new CliUsageError('--confirm-per-barrier måste vara ett heltal ≥ 0.');
  const barriersOption = options.get('confirm-barriers');
  const barrierCount = barriersOption === undefined ? null : Number(barriersOption);
  if (barrierCount !== null && (!Number.isInteger(barrierCount) || barrierCount < 1)) throw new CliUsageError('--confirm-barriers måste vara ett heltal ≥ 1.');
  if (barrierCount !== null && perBarrier === 0) throw new CliUsageError('--confirm-barriers kräver --confirm-per-barrier N (N ≥ 1).');
  // Without confirmations the seed changes nothing: one measurement.
  const seeds = perBarrier === 0 ? [parseSeeds(options.get('seed') ?? '1')[0]] : parseSeeds(options.get('seed') ?? '1');
  const out = options.get('out');
  if (out && seeds.length > 1) throw new CliUsageError('--out går bara att använda med ett frö.');

  const env = loadEnvConfig();
  Logger.overrideLogger(new AppLogger('warn'));
  const [reportsText, truth] = [await readFile(reportsFile, 'utf8'), await readTruth(truthFile)];
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  const results: Measurement[] = [];
  for (const seed of seeds) {
    const result = await measure(env, reportsText, truth, { perBarrier, barrierCount }, seed, log);
    results.push(result);
    if (seeds.length > 1) process.stdout.write(`Frö ${seed}: ${scoreLine(result.scores)}\n`);
  }
  const [first] = results;
  if (out) {
    const lines = first.assignments.map((a) => JSON.stringify({ externalId: a.externalId, cluster: a.cluster })).join('\n');
    await writeFile(out, lines ? `${lines}\n` : '');
  }
  const mean = (pick: (s: ClusteringScores) => number): number => results.reduce((sum, r) => sum + pick(r.scores), 0) / results.length;
  const summary: ClusteringScores =
    results.length === 1
      ? first.scores
      : { ...first.scores, ari: mean((s) => s.ari), precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1) };
  process.stdout.write(
    `Rapporter: ${first.scored.length}, hinder i sanningen: ${new Set(first.scored.map((r) => r.barrier).filter(Boolean)).size}, ` +
      `hinder funna: ${new Set(first.assignments.map((a) => a.cluster).filter(Boolean)).size}, bekräftade per hinder: ${perBarrier}` +
      (barrierCount !== null ? ` i de ${barrierCount} första hindren` : '') +
      (results.length > 1 ? `, medelvärde över ${results.length} frön` : '') +
      `\n${scoreLine(summary)}\n`,
  );
  if (out) log(`Tilldelningarna är skrivna till ${out}.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliUsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
    else if (error instanceof EnvValidationError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Fel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof CliUsageError ? 2 : 1);
  },
);
