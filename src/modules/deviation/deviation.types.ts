import { CommentVisibility, DeviationCategory, DeviationParty, DeviationSeverity } from './deviation.constants';
import { DeviationAction, DeviationStatus } from './deviation-workflow';
import { TimelineEntry } from './deviation-timeline';
import { ImportedHistoryInput } from './deviation-import-history';

/** The shapes DeviationService hands out: to the API (as JSON), the pages, and import/export/bench. */

export interface NamedRef {
  id: string;
  name: string;
}

export interface OverdueFlags {
  /** Still "ny" after ACCEPT_WITHIN_WORKING_DAYS working days. */
  notAccepted: boolean;
  /** Not åtgärdad, eskalerad or avslutad after RESOLVE_WITHIN_DAYS days. */
  notResolved: boolean;
  acceptBy: string;
  resolveBy: string;
  /** The Swedish date both deadlines count from: the filing, or for an imported report the import. */
  countsFrom: string;
}

export interface DeviationListItem {
  id: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  statusLabel: string;
  severity: DeviationSeverity;
  severityLabel: string;
  category: DeviationCategory;
  categoryLabel: string;
  parties: DeviationParty[];
  municipality: NamedRef;
  subproject: NamedRef;
  assignee: NamedRef | null;
  occurredOn: string;
  reportedAt: Date;
  /** When an imported report came into this system; its deadlines count from then. Null if filed here. */
  importedAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  escalatedAt: Date | null;
  closedAt: Date | null;
  overdue: OverdueFlags;
  path: string;
  /** Only in the reporter's own list: the delprojekt has written to them since they last opened it. */
  newReply?: boolean;
  /**
   * In a lead's list, and an analyst's (true only on reports of a delprojekt without an active lead, which they handle):
   * the reporter has written to the delprojekt since this user last opened it.
   */
  newMessage?: boolean;
}

export interface DeviationPage {
  items: DeviationListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface DeviationCommentView {
  id: string;
  visibility: CommentVisibility;
  visibilityLabel: string;
  body: string;
  author: NamedRef;
  createdAt: Date;
}

export interface DeviationDetail extends DeviationListItem {
  externalId: string | null;
  description: string;
  consequence: string;
  tried: string | null;
  resolution: string | null;
  reporter: { id: string | null; name: string | null; email: string | null };
}

/** What the signed-in user may do with this report; the API and the page offer exactly these. */
export interface DeviationPermissions {
  actions: DeviationAction[];
  canAssign: boolean;
  canMove: boolean;
  /** Correct category, parties and severity. */
  canReclassify: boolean;
  canWriteInternal: boolean;
  canReply: boolean;
  seesInternal: boolean;
  /** An analyst handling a report whose delprojekt has no active lead, as its lead would. */
  standingIn: boolean;
}

export interface DeviationView {
  deviation: DeviationDetail;
  permissions: DeviationPermissions;
  comments: DeviationCommentView[];
  timeline: TimelineEntry[];
}

export interface FiledDeviation {
  id: string;
  reference: string;
  municipality: NamedRef;
  subproject: NamedRef;
  /** Whether the delprojekt had an active lead (the reporter included); without one the analysts are mailed. */
  subprojectHasLead: boolean;
  /** How many leads were mailed (never the reporter). */
  notifiedLeads: number;
  /** How many analysts were mailed because the delprojekt had no active lead. */
  notifiedAnalysts: number;
}

/**
 * One imported report (JSONL/CSV row of the import format, see shared/samples/reports.jsonl).
 * Free text must already be masked: createFromImport refuses text in which personal data is found.
 */
/** An import row; with history from the source when the file has it (ImportedHistoryInput: status, resolution, times). */
export interface DeviationImportRow extends ImportedHistoryInput {
  externalId: string;
  /** Kommun by name, case-insensitive ("Haninge"). */
  kommun: string;
  occurredOn: string;
  /** ISO 8601 with offset, e.g. 2017-09-18T15:58:46+02:00; the time of import when absent. */
  reportedAt?: string | Date | null;
  category: string;
  parties: string[];
  title: string;
  description: string;
  consequence?: string | null;
  tried?: string | null;
  severity: string;
  /** The staff member's own work address; absent when the source did not record it. */
  reporterEmail?: string | null;
}

export interface DeviationImportResult {
  outcome: 'created' | 'existing';
  id: string;
  reference: string;
}

/** One report as exported: the import format plus what happened to it. */
export interface DeviationExportRow {
  externalId: string | null;
  reference: string;
  kommun: string;
  delprojekt: string;
  occurredOn: string;
  reportedAt: string;
  category: DeviationCategory;
  parties: DeviationParty[];
  title: string;
  description: string;
  consequence: string;
  tried: string | null;
  severity: DeviationSeverity;
  reporterEmail: string | null;
  status: DeviationStatus;
  resolution: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  escalatedAt: string | null;
  closedAt: string | null;
}

export interface DeviationExportOptions {
  /** Reported from this Swedish date, inclusive. */
  from?: string;
  /** Reported up to this Swedish date, inclusive. */
  to?: string;
  subprojectIds?: string[];
  /** Rows per round trip; default 1000. */
  batchSize?: number;
}

export interface MunicipalityOption {
  value: string;
  label: string;
  own: boolean;
}
