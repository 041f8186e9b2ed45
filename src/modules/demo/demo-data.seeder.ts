import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { PatternsService } from '../barrier/patterns.service';
import { ImportExportService } from '../import-export/import-export.service';
import { DemoSeeder } from '../user/demo-seeder';

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
 * to the last few years) and one pattern run, so the queue, overview, barriers and letters have content.
 */
@Injectable()
export class DemoDataSeeder {
  private readonly logger = new Logger('Demodata');

  constructor(
    private readonly accounts: DemoSeeder,
    private readonly importer: ImportExportService,
    private readonly patterns: PatternsService,
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
    const summary = await this.importer.importText(lines.map((line) => shiftDates(line, shiftDays)).join('\n'), 'jsonl');
    const run = await this.patterns.run('full');
    this.logger.log(`${summary.created} demoavvikelser inlästa; ${run.created} strukturella hinder hittade, ${run.escalated} eskalerade.`);
  }
}
