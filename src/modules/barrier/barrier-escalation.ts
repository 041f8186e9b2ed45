import { swedishList } from '../../common/text/swedish-list';

/**
 * When a barrier is escalated: it recurs in at least K kommuner spread over at least two delprojekt
 * within a window of W months (anywhere in its history), or leads have marked enough of its reports as
 * strukturellt hinder. Pure, so the rule is unit-tested; the reason is the Swedish text analysts read.
 */

export interface EscalationMember {
  reference: string;
  municipality: string;
  subproject: string;
  /** YYYY-MM-DD */
  occurredOn: string;
  /** A lead set the report's status to strukturellt hinder. */
  markedStructural: boolean;
}

export interface EscalationRule {
  minMunicipalities: number;
  windowMonths: number;
  /** Reports marked strukturellt hinder by leads that escalate the barrier on their own. */
  minStructuralMarks: number;
}

/** At least two delprojekt: a barrier in one delprojekt's kommuner can still be solved locally. */
export const MIN_SUBPROJECTS = 2;
export const DEFAULT_MIN_STRUCTURAL_MARKS = 2;

export interface EscalationWindow {
  from: string;
  to: string;
  municipalities: string[];
  subprojects: string[];
}

export interface EscalationDecision {
  reason: string;
  window: EscalationWindow | null;
  structuralReferences: string[];
}

/** The date `months` calendar months after an ISO date, clamped to the month's last day (31 jan + 1 = 28/29 feb). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/**
 * The window of `windowMonths` (starting at a member's date, end exclusive) with the most kommuner,
 * among those reaching the rule; null when none does. Two pointers over the members by date: O(n log n).
 */
export function widestWindow(members: readonly EscalationMember[], rule: Pick<EscalationRule, 'minMunicipalities' | 'windowMonths'>): EscalationWindow | null {
  const sorted = [...members].sort((a, b) => (a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : 0));
  const municipalities = new Map<string, number>();
  const subprojects = new Map<string, number>();
  let best: { start: number; end: number; count: number } | null = null;
  let end = 0;
  let limit = '';
  for (let start = 0; start < sorted.length; start++) {
    // Once per date: a barrier's tens of thousands of reports fall on a few thousand days, and the date arithmetic was most of the time.
    if (start === 0 || sorted[start].occurredOn !== sorted[start - 1].occurredOn) limit = addMonths(sorted[start].occurredOn, rule.windowMonths);
    while (end < sorted.length && sorted[end].occurredOn < limit) {
      increment(municipalities, sorted[end].municipality, 1);
      increment(subprojects, sorted[end].subproject, 1);
      end++;
    }
    const reaches = municipalities.size >= rule.minMunicipalities && subprojects.size >= MIN_SUBPROJECTS;
    if (reaches && (best === null || municipalities.size > best.count)) best = { start, end, count: municipalities.size };
    increment(municipalities, sorted[start].municipality, -1);
    increment(subprojects, sorted[start].subproject, -1);
  }
  if (!best) return null;
  const inWindow = sorted.slice(best.start, best.end);
  return {
    from: inWindow[0].occurredOn,
    to: inWindow[inWindow.length - 1].occurredOn,
    municipalities: [...new Set(inWindow.map((m) => m.municipality))].sort((a, b) => a.localeCompare(b, 'sv')),
    subprojects: [...new Set(inWindow.map((m) => m.subproject))].sort((a, b) => a.localeCompare(b, 'sv')),
  };
}

function monthsPhrase(months: number): string {
  return `${months} ${months === 1 ? 'månad' : 'månader'}`;
}

/** Whether the barrier is to be escalated, and the Swedish reason; null when it is not (yet). */
export function decideEscalation(members: readonly EscalationMember[], rule: EscalationRule): EscalationDecision | null {
  const window = widestWindow(members, rule);
  const structural = members.filter((m) => m.markedStructural).map((m) => m.reference).sort();
  const byMarks = structural.length >= rule.minStructuralMarks;
  if (!window && !byMarks) return null;
  const sentences: string[] = [];
  if (window) {
    sentences.push(
      `Hindret återkommer i ${window.municipalities.length} kommuner (${swedishList(window.municipalities)}) i ${window.subprojects.length} delprojekt ` +
        `(${swedishList(window.subprojects)}) inom ${monthsPhrase(rule.windowMonths)}, mellan ${window.from} och ${window.to}. ` +
        `Gränsen för eskalering är ${rule.minMunicipalities} kommuner i minst ${MIN_SUBPROJECTS} delprojekt.`,
    );
  }
  if (byMarks) {
    sentences.push(
      `Delprojektledare har markerat ${structural.length} av hindrets rapporter som strukturellt hinder (${swedishList(structural)}).`,
    );
  }
  return { reason: sentences.join(' '), window, structuralReferences: structural };
}

/** The text that starts an escalated barrier's reason once its reports no longer meet the rule (see unmetEscalationReason). */
export const ESCALATION_UNMET_PREFIX = 'Rapporterna når inte längre gränsen för eskalering';

/**
 * The reason of an escalated barrier whose reports no longer meet the rule: it stays escalated (the analysts were told,
 * a skrivelse may be under way) until an analyst takes the escalation back, and the reason says so and what it has now.
 */
export function unmetEscalationReason(
  rule: EscalationRule,
  barrier: { escalatedOn: string | null; memberCount: number; municipalityCount: number; subprojectCount: number },
): string {
  const reports = `${barrier.memberCount} ${barrier.memberCount === 1 ? 'rapport' : 'rapporter'}`;
  const municipalities = `${barrier.municipalityCount} ${barrier.municipalityCount === 1 ? 'kommun' : 'kommuner'}`;
  return (
    `${ESCALATION_UNMET_PREFIX} (${rule.minMunicipalities} kommuner i minst ${MIN_SUBPROJECTS} delprojekt inom ${monthsPhrase(rule.windowMonths)}, ` +
    `eller ${rule.minStructuralMarks} rapporter markerade som strukturellt hinder): hindret har nu ${reports} från ${municipalities} i ${barrier.subprojectCount} delprojekt. ` +
    `Det eskalerades ${barrier.escalatedOn ?? 'tidigare'} och står kvar som eskalerat tills en verksamhetsutvecklare tar tillbaka eskaleringen.`
  );
}

/**
 * A barrier between parties' rules (gränssnitt), the kind written up in a skrivelse: two or more of
 * the authorities are involved, or most of its reports were filed as gränssnitt.
 */
export function isInterfaceBarrier(parties: readonly string[], memberCount: number, interfaceCategoryCount: number): boolean {
  const authorities = new Set(parties.filter((party) => party !== 'ANNAN'));
  return authorities.size >= 2 || (memberCount > 0 && interfaceCategoryCount * 2 > memberCount);
}
