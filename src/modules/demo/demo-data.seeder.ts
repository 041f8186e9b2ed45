import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { PatternsJob } from '../barrier/jobs/patterns.job';
import { ImportExportService } from '../import-export/import-export.service';
import { DemoSeeder } from '../user/demo-seeder';
import { withDemoHistory } from './demo-history';

const DAY_MS = 86_400_000;

/** Moves a report's dates so the newest demo report is from last week, keeping the spacing. */
export function shiftDates(line: string, shiftDays: number): string {
  const row = JSON.parse(line) as Record<string, unknown>;
  if (typeof row.occurredOn === 'string') row.occurredOn = new Date(Date.parse(row.occurredOn) + shiftDays * DAY_MS).toISOString().slice(0, 10);
  if (typeof row.reportedAt === 'string') row.reportedAt = new Date(Date.parse(row.reportedAt) + shiftDays * DAY_MS).toISOString();
  return JSON.stringify(row);
}

/**
 * A newcomer's first start: demo accounts, 120 invented reports from the MIA samples (dates moved up
 * to the last few years, each with the history a report of its age would have: accepted, handled,
 * closed or escalated, the newest still open, some of those late) and one pattern run, so the queue,
 * overview, barriers and letters have content.
 */
@Injectable()
export class DemoDataSeeder {
  private readonly logger = new Logger('Demodata');

  constructor(
    private readonly accounts: DemoSeeder,
    private readonly importer: ImportExportService,
    private readonly patterns: PatternsJob,
    private readonly clock: Clock,
  ) {}

  /** Accounts now (sign-in works at once); returns whether the database was empty. */
  seedAccounts(): Promise<boolean> {
    return this.accounts.seedIfEmpty();
  }

  /** Reports and barriers; slower, so the caller may run it after the server listens. */
  async seedReports(): Promise<void> {
    const text = await readFile(join(__dirname, 'demo-reports.jsonl'), 'utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const newest = Math.max(...lines.map((line) => Date.parse((JSON.parse(line) as { reportedAt: string }).reportedAt)));
    const shiftDays = Math.floor((this.clock.now().getTime() - 7 * DAY_MS - newest) / DAY_MS);
    const now = this.clock.now();
    const withHistory = lines.map((line) => JSON.stringify(withDemoHistory(JSON.parse(shiftDates(line, shiftDays)) as Record<string, unknown>, now)));
    // The demo stands for reports filed over the years as they happened, not one import today: each import is dated to
    // when the report was reported, so deadlines count from then (the newest unaccepted ones are late and the queue,
    // start page and reminders show what a late report looks like), and the report's Importerad and its timeline say the
    // same date. Written so at the insert: the timeline is an append-only log, so a later UPDATE could only move one of them.
    const summary = await this.importer.importText(withHistory.join('\n'), 'jsonl', { datedToReporting: true });
    if (summary.rejected.length) this.logger.warn(`${summary.rejected.length} demoavvikelser kunde inte läsas in (första: rad ${summary.rejected[0].line}: ${summary.rejected[0].reason})`);
    // Through the job, so /hinder shows the run as the analysis's latest.
    const { outcome, summary: run } = await this.patterns.runNow('full');
    if (run === null) {
      this.logger.warn(`${summary.created} demoavvikelser inlästa; mönsteranalysen kördes inte (${outcome.status === 'failed' ? outcome.error : 'körs redan'}).`);
      return;
    }
    this.logger.log(`${summary.created} demoavvikelser inlästa; ${run.created} strukturella hinder hittade, ${run.escalated} eskalerade.`);
  }
}
