import { DEVIATION_STATUSES, DeviationStatus } from './deviation-workflow';

/** What happened to an imported report before it came here. */
export interface ImportedHistory {
  status: DeviationStatus;
  resolution: string | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  escalatedAt: Date | null;
  closedAt: Date | null;
}

/** History columns of an import row: the status now ("ny" when absent), its resolution and when it got there (ISO 8601). */
export interface ImportedHistoryInput {
  status?: string | null;
  resolution?: string | null;
  acceptedAt?: string | Date | null;
  resolvedAt?: string | Date | null;
  escalatedAt?: string | Date | null;
  closedAt?: string | Date | null;
}

const TIME_FIELDS = ['acceptedAt', 'resolvedAt', 'escalatedAt', 'closedAt'] as const;

/** A local fix and a closed report always say what was done, as when a lead sets them (deviation-workflow.ts). */
const NEEDS_RESOLUTION: readonly DeviationStatus[] = ['atgardad_lokalt', 'avslutad'];

/**
 * Checks an import row's history. Lenient where other systems differ (times need not follow each other,
 * a reopened report may keep its old times) and strict where a value cannot be right: an unknown
 * status, a time that is not a time or lies in the future, a local fix or a closed report without a
 * resolution. Problems are Swedish and name the column.
 */
export function checkImportedHistory(input: ImportedHistoryInput, now: Date): { history: ImportedHistory; problems: Array<{ field: string; message: string }> } {
  const problems: Array<{ field: string; message: string }> = [];
  const rawStatus = typeof input.status === 'string' ? input.status.trim() : '';
  let status: DeviationStatus = 'ny';
  if (rawStatus !== '') {
    if ((DEVIATION_STATUSES as readonly string[]).includes(rawStatus)) status = rawStatus as DeviationStatus;
    else problems.push({ field: 'status', message: `Okänd status "${rawStatus}". Använd ${DEVIATION_STATUSES.join(', ')} eller lämna tomt för ny.` });
  }
  const resolution = typeof input.resolution === 'string' && input.resolution.trim() !== '' ? input.resolution.trim() : null;
  if (NEEDS_RESOLUTION.includes(status) && resolution === null) {
    problems.push({ field: 'resolution', message: `Status ${status} kräver resolution: vad som gjordes eller varför avvikelsen avslutades.` });
  }
  const times: Record<(typeof TIME_FIELDS)[number], Date | null> = { acceptedAt: null, resolvedAt: null, escalatedAt: null, closedAt: null };
  for (const field of TIME_FIELDS) {
    const value = input[field];
    if (value === null || value === undefined || value === '') continue;
    const time = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(time.getTime())) problems.push({ field, message: `${field} måste vara en tidpunkt, t.ex. 2017-09-25T10:00:00+02:00, eller tom.` });
    else if (time.getTime() > now.getTime()) problems.push({ field, message: `${field} ligger i framtiden. Kontrollera datumet.` });
    else times[field] = time;
  }
  return { history: { status, resolution, ...times }, problems };
}
