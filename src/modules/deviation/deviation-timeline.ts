import { swedishList } from '../../common/text/swedish-list';
import { CATEGORY_LABELS, DEVIATION_PARTIES, DeviationCategory, DeviationParty, DeviationSeverity, PARTY_LABELS, SEVERITY_LABELS } from './deviation.constants';
import { DeviationEventKind } from './deviation-event.entity';
import { redactedPlaces, RedactionRecord } from './deviation-redaction';
import { DeviationStatus, STATUS_LABELS } from './deviation-workflow';

export interface TimelineEventInput {
  id: string;
  kind: DeviationEventKind;
  actorName: string | null;
  /** The actor filed the report: their messages go to the delprojekt, not "to the reporter". */
  actorIsReporter?: boolean;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: Date;
}

export interface TimelineEntry {
  id: string;
  /** The audit-log kind (e.g. 'reopened'), for pages that say more about some. */
  kind: DeviationEventKind;
  at: Date;
  who: string;
  what: string;
  details: string[];
  /** The actor's comment (why), as written; also among the details. */
  comment: string | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function statusLabel(value: unknown): string {
  return typeof value === 'string' && value in STATUS_LABELS ? STATUS_LABELS[value as DeviationStatus] : '–';
}

function place(values: Record<string, unknown> | null): string {
  const municipality = text(values?.municipalityName) ?? 'okänd kommun';
  const subproject = text(values?.subprojectName);
  return subproject ? `${municipality} (${subproject})` : municipality;
}

function labelOf<T extends string>(labels: Record<T, string>, value: unknown): string {
  return typeof value === 'string' && value in labels ? labels[value as T] : '–';
}

function partyList(value: unknown): string {
  const parties = Array.isArray(value) ? DEVIATION_PARTIES.filter((party) => (value as unknown[]).includes(party)) : [];
  return parties.length ? parties.map((party: DeviationParty) => PARTY_LABELS[party]).join(', ') : 'inga';
}

/** What a correction of the classification changed, in the order the report page lists them. */
const CLASSIFICATION_FIELDS = [
  { key: 'category', noun: 'kategori', label: 'Kategori', show: (value: unknown) => labelOf<DeviationCategory>(CATEGORY_LABELS, value) },
  { key: 'parties', noun: 'parter', label: 'Parter', show: partyList },
  { key: 'severity', noun: 'allvarlighet', label: 'Allvarlighet', show: (value: unknown) => labelOf<DeviationSeverity>(SEVERITY_LABELS, value) },
] as const;

const STATUS_VERBS: Partial<Record<DeviationEventKind, string>> = {
  accepted: 'Tog emot avvikelsen',
  investigation_started: 'Påbörjade utredningen',
  resolved: 'Markerade avvikelsen som åtgärdad lokalt',
  escalated: 'Eskalerade avvikelsen som strukturellt hinder',
  closed: 'Avslutade avvikelsen',
  reopened: 'Återöppnade avvikelsen',
};

/** One audit event as a Swedish line on the report page's timeline. */
export function describeEvent(event: TimelineEventInput): TimelineEntry {
  const before = event.before;
  const after = event.after;
  const details: string[] = [];
  let what: string;
  switch (event.kind) {
    case 'filed':
      what = `Rapporterade avvikelsen för ${place(after)}`;
      break;
    case 'imported':
      what = `Avvikelsen importerades för ${place(after)}`;
      // History from the source system: say where the report stood when it came in.
      if (text(after?.status) && after?.status !== 'ny') details.push(`Status i källsystemet: ${statusLabel(after?.status)}`);
      if (text(after?.externalId)) details.push(`Externt id: ${text(after?.externalId)}`);
      break;
    case 'assigned':
      what = `Ändrade ansvarig: ${text(before?.assigneeName) ?? 'ingen'} → ${text(after?.assigneeName) ?? 'ingen'}`;
      break;
    case 'moved':
      what = `Flyttade avvikelsen från ${place(before)} till ${place(after)}`;
      break;
    case 'reclassified': {
      const changed = CLASSIFICATION_FIELDS.filter((field) => after !== null && field.key in after);
      what = `Ändrade ${swedishList(changed.map((field) => field.noun)) || 'klassningen'}`;
      for (const field of changed) details.push(`${field.label}: ${field.show(before?.[field.key])} → ${field.show(after?.[field.key])}`);
      break;
    }
    case 'note_added':
      what = 'Skrev en intern anteckning';
      break;
    case 'reply_added':
      what = event.actorIsReporter ? 'Skrev till delprojektet' : 'Skrev ett svar i dialogen med rapportören';
      break;
    case 'personal_data_removed':
      // Where, and by whom; never what was removed.
      what = `Personuppgift borttagen ur ${redactedPlaces((after ?? {}) as Partial<RedactionRecord>)} av ${event.actorName ?? 'systemet'}`;
      break;
    default:
      what = `${STATUS_VERBS[event.kind] ?? 'Ändrade avvikelsen'} (${statusLabel(before?.status)} → ${statusLabel(after?.status)})`;
  }
  if (text(after?.resolution)) details.push(`Åtgärd: ${text(after?.resolution)}`);
  if (text(after?.comment)) details.push(`Kommentar: ${text(after?.comment)}`);
  if (event.kind === 'accepted' && text(after?.assigneeName)) details.push(`Ansvarig: ${text(after?.assigneeName)}`);
  return { id: event.id, kind: event.kind, at: event.createdAt, who: event.actorName ?? 'Systemet', what, details, comment: text(after?.comment) };
}
