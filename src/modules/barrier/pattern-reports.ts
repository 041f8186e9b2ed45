import { PatternReport } from './pattern-engine.port';

/**
 * What the engine reads of a report (ReportRow), and the joins that name its kommun and delprojekt: for the pattern
 * runs, and for describing a barrier the analyst changed (BarrierStore.redescribe).
 */
export const REPORT_SELECT = `SELECT d.id, d.title, d.description, d.consequence, d.tried, d.category, d.parties, m.name AS municipality, s.name AS subproject,
              d.occurred_on::text AS occurred_on
         FROM deviation d`;
export const REPORT_JOINS = `JOIN municipality m ON m.id = d.municipality_id
         JOIN subproject s ON s.id = d.subproject_id`;

export interface ReportRow {
  id: string;
  title: string;
  description: string;
  consequence: string;
  tried: string | null;
  category: string;
  parties: string[];
  municipality: string;
  subproject: string;
  occurred_on: string;
}

export function toPatternReport(row: ReportRow, meaningKeys?: readonly string[]): PatternReport {
  const report: PatternReport = {
    id: row.id,
    title: row.title,
    description: row.description,
    consequence: row.consequence || undefined,
    tried: row.tried ?? undefined,
    category: row.category,
    parties: row.parties,
    municipality: row.municipality,
    subproject: row.subproject,
    occurredOn: row.occurred_on,
  };
  // Only when there are keys: without a language model the engine gets exactly what it always got.
  if (meaningKeys !== undefined) report.meaningKeys = meaningKeys;
  return report;
}
