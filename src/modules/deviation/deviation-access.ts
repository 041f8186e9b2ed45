import { AuthUser } from '../../common/auth/auth-user';
import { DeviationStatus, StatusAuthority } from './deviation-workflow';

/** The fields of a report that decide who may see and change it. */
export interface AccessFacts {
  subprojectId: string;
  reporterId: string | null;
  reporterEmail: string | null;
  status: DeviationStatus;
  /**
   * Whether the owning delprojekt has an active lead. Only an explicit false lets the analysts stand in
   * for the lead (deny by default: a caller that does not know gives no one more than before).
   */
  subprojectHasLead?: boolean;
}

/** Filed it, or is the address an imported report was filed under (until an account is linked). */
export function isReporter(user: AuthUser, report: AccessFacts): boolean {
  if (report.reporterId) return report.reporterId === user.id;
  return report.reporterEmail !== null && report.reporterEmail === user.email.toLowerCase();
}

export function isOwnerLead(user: AuthUser, report: AccessFacts): boolean {
  return user.role === 'lead' && user.subprojectId !== null && user.subprojectId === report.subprojectId;
}

/**
 * Staff read their own reports; leads those of their delprojekt (and their own); analysts and admins
 * all. Whoever may not read a report must not learn that it exists: callers answer 404.
 */
export function canRead(user: AuthUser, report: AccessFacts): boolean {
  if (user.role === 'analyst' || user.role === 'admin') return true;
  return isOwnerLead(user, report) || isReporter(user, report);
}

/**
 * A report in a delprojekt without an active lead would otherwise wait for no one: the analysts, who are
 * mailed about it, take it in and handle it as its lead would, until the delprojekt has a lead again.
 */
export function isStandInAnalyst(user: AuthUser, report: AccessFacts): boolean {
  return user.role === 'analyst' && report.subprojectHasLead === false;
}

export function statusAuthority(user: AuthUser, report: AccessFacts): StatusAuthority {
  if (isOwnerLead(user, report)) return 'owner-lead';
  if (isStandInAnalyst(user, report)) return 'stand-in-analyst';
  if (user.role === 'analyst') return 'analyst';
  return 'none';
}

/** Internal notes: the owning leads and the analysts write and read them; admins read them. */
export function canReadInternal(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report) || user.role === 'analyst' || user.role === 'admin';
}

export function canWriteInternal(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report) || user.role === 'analyst';
}

/** Replies the reporter reads: from the owning leads and analysts, and the reporter answering back. */
export function canReply(user: AuthUser, report: AccessFacts): boolean {
  return canWriteInternal(user, report) || isReporter(user, report);
}

/** Assigning is the owning delprojekt's own business. */
export function canAssign(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report);
}

/** A report filed under the wrong kommun is moved by its leads or an analyst. */
export function canMove(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report) || user.role === 'analyst';
}

/**
 * Category, parties and severity were chosen in a hurry at filing; triage corrects them: the owning leads and
 * the analysts (who read the statistics across kommuner), like moving.
 */
export function canReclassify(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report) || user.role === 'analyst';
}

/**
 * Taking personal data out of a stored report ("Ta bort personuppgift"): the owning leads, the analysts and the
 * admins. Not the reporter, who cannot change a filed report either; they ask the delprojekt.
 */
export function canRedact(user: AuthUser, report: AccessFacts): boolean {
  return isOwnerLead(user, report) || user.role === 'analyst' || user.role === 'admin';
}
