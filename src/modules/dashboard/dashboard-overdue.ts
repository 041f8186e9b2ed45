import { addCalendarDays, calendarDaysBetween, IsoDate, stockholmDate } from '../../common/calendar/working-days';
import { DeadlinePolicy, deadlinesFor, DeadlineSubject } from '../deviation/deviation-deadlines';
import { DEVIATION_STATUSES, DeviationStatus } from '../deviation/deviation-workflow';

/**
 * Overdue counts for 100 000 reports without running the deadline rule 100 000 times.
 *
 * The deviation module's rule (deadlinesFor) looks only at a report's status and the Swedish day its
 * deadlines start (deadlineStart: the filing, or for an imported report the import), and a report whose
 * deadlines started earlier is never due later: for each status, "overdue today" holds for every start
 * day up to some last day and for none after it. That last day is found by binary search, calling the
 * rule itself about a dozen times per status and flag; SQL then counts the reports whose deadlines
 * started before the end of that day (deadlineStartSql). The unit spec checks this against the rule day by day.
 */

/**
 * The search runs over the ten years up to today. Deadlines are at most 60 working days and 730
 * days (env limits), so a report older than that is overdue if it is still open, and the day where
 * the rule flips always lies inside. (Each year searched costs a holiday calendar the first time.)
 */
const SEARCH_DAYS = 3660;

export interface OverdueCutoffs {
  /** Per status: the last Swedish deadline-start day whose reports are not accepted in time today, or null for none. */
  notAccepted: Partial<Record<DeviationStatus, IsoDate>>;
  notResolved: Partial<Record<DeviationStatus, IsoDate>>;
}

/** A report filed at noon UTC on `day` (the same Swedish date), so the rule's deadlines start exactly that day. */
function startingOn(status: DeviationStatus, day: IsoDate): DeadlineSubject {
  return { status, reportedAt: new Date(`${day}T12:00:00Z`), importedAt: null };
}

/** The last day in the searched years for which `holds` is true, given it is true up to some day and false after. */
function lastDayWhere(today: IsoDate, holds: (day: IsoDate) => boolean): IsoDate | null {
  const earliest = addCalendarDays(today, -SEARCH_DAYS);
  // Not overdue even ten years back: not overdue at all (e.g. a status that is done).
  if (!holds(earliest)) return null;
  let low = 0; // holds
  let high = calendarDaysBetween(earliest, today) + 1; // beyond today: treated as not holding
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (holds(addCalendarDays(earliest, middle))) low = middle;
    else high = middle;
  }
  return addCalendarDays(earliest, low);
}

export function overdueCutoffs(now: Date, policy: DeadlinePolicy): OverdueCutoffs {
  const today = stockholmDate(now);
  const cutoffs: OverdueCutoffs = { notAccepted: {}, notResolved: {} };
  for (const status of DEVIATION_STATUSES) {
    const accepted = lastDayWhere(today, (day) => deadlinesFor(startingOn(status, day), now, policy).notAcceptedInTime);
    const resolved = lastDayWhere(today, (day) => deadlinesFor(startingOn(status, day), now, policy).notResolvedInTime);
    if (accepted) cutoffs.notAccepted[status] = accepted;
    if (resolved) cutoffs.notResolved[status] = resolved;
  }
  return cutoffs;
}
