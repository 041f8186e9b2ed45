import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImportedHistory } from '../deviation/deviation-import-history';
import { withDemoHistory } from './demo-history';

const now = new Date('2026-11-23T12:00:00Z');
const DAY_MS = 86_400_000;
const base = { externalId: 'S-0001', kommun: 'Haninge', category: 'ovrigt', title: 'x', description: 'y', severity: 'lag' };
const reportedDaysAgo = (days: number, id = 'S-0001', category = 'ovrigt'): Record<string, unknown> =>
  withDemoHistory({ ...base, externalId: id, category, reportedAt: new Date(now.getTime() - days * DAY_MS).toISOString() }, now);

describe('withDemoHistory', () => {
  const rows = readFileSync(join(__dirname, 'demo-reports.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  // Spread the demo reports over the last two years, as the seeder's date shift roughly does.
  const spread = rows.map((row, i) => ({ ...row, reportedAt: new Date(now.getTime() - (2 + (i * 730) / rows.length) * DAY_MS).toISOString() }));
  const histories = spread.map((row) => withDemoHistory(row, now));

  it('gives every report a history the importer accepts, with no time after now', () => {
    for (const row of histories) {
      const { problems, history } = checkImportedHistory(row as Parameters<typeof checkImportedHistory>[0], now);
      expect([row.externalId, problems]).toEqual([row.externalId, []]);
      for (const time of [history.acceptedAt, history.resolvedAt, history.escalatedAt, history.closedAt]) {
        if (time) expect(time.getTime()).toBeLessThanOrEqual(now.getTime());
        if (time) expect(time.getTime()).toBeGreaterThanOrEqual(Date.parse(String(row.reportedAt)));
      }
    }
  });

  it('mixes the statuses a real delprojekt has: mostly closed among the old, open among the new', () => {
    const count = (status: string): number => histories.filter((row) => (row.status ?? 'ny') === status).length;
    for (const status of ['ny', 'mottagen', 'under_utredning', 'strukturellt_hinder', 'avslutad']) expect([status, count(status) > 0]).toEqual([status, true]);
    expect(count('avslutad')).toBeGreaterThan(rows.length / 3);
    expect(reportedDaysAgo(1).status).toBeUndefined();
    expect(reportedDaysAgo(400).status).not.toBe('ny');
  });

  it('is the same every time for the same report, and changes nothing but the history columns', () => {
    expect(reportedDaysAgo(100, 'S-0042', 'gransnitt')).toEqual(reportedDaysAgo(100, 'S-0042', 'gransnitt'));
    const row = reportedDaysAgo(100, 'S-0042', 'gransnitt');
    expect(Object.keys(row).filter((key) => !(key in base) && key !== 'reportedAt').every((key) => ['status', 'resolution', 'acceptedAt', 'resolvedAt', 'escalatedAt', 'closedAt'].includes(key))).toBe(true);
  });
});
