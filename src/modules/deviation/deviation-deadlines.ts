import { addCalendarDays, addWorkingDays, IsoDate, stockholmDate } from '../../common/calendar/working-days';
import { DeviationStatus } from './deviation-workflow';

/** How long a delprojekt has: N working days to accept, M calendar days to resolve (env, defaults 2 and 30). */
export interface DeadlinePolicy {
  acceptWithinWorkingDays: number;
  resolveWithinDays: number;
}

export interface Deadlines {
  /** Last Swedish date on which accepting is on time. */
  acceptBy: IsoDate;
  /** Last Swedish date on which resolving is on time. */
  resolveBy: IsoDate;
  notAcceptedInTime: boolean;
  notResolvedInTime: boolean;
}

/** Not yet åtgärdad lokalt, eskalerad or avslutad. */
const UNRESOLVED: readonly DeviationStatus[] = ['ny', 'mottagen', 'under_utredning'];

/**
 * A report filed Friday with N = 2 must be accepted by Tuesday; on Wednesday it is overdue.
 * Both deadlines count from the Swedish date the report came in.
 */
export function deadlinesFor(report: { status: DeviationStatus; reportedAt: Date }, now: Date, policy: DeadlinePolicy): Deadlines {
  const reportedOn = stockholmDate(report.reportedAt);
  const today = stockholmDate(now);
  const acceptBy = addWorkingDays(reportedOn, policy.acceptWithinWorkingDays);
  const resolveBy = addCalendarDays(reportedOn, policy.resolveWithinDays);
  return {
    acceptBy,
    resolveBy,
    notAcceptedInTime: report.status === 'ny' && today > acceptBy,
    notResolvedInTime: UNRESOLVED.includes(report.status) && today > resolveBy,
  };
}
