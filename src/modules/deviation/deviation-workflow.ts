import { DomainError, ForbiddenError } from '../../common/errors/domain-error';

/**
 * The deviation's life: ny → mottagen → under utredning → åtgärdad lokalt | strukturellt hinder → avslutad,
 * and back by reopening. Pure: no database, no clock of its own, so every rule is unit-tested.
 */

export const DEVIATION_STATUSES = ['ny', 'mottagen', 'under_utredning', 'atgardad_lokalt', 'strukturellt_hinder', 'avslutad'] as const;
export type DeviationStatus = (typeof DEVIATION_STATUSES)[number];

export const STATUS_LABELS: Record<DeviationStatus, string> = {
  ny: 'Ny',
  mottagen: 'Mottagen',
  under_utredning: 'Under utredning',
  atgardad_lokalt: 'Åtgärdad lokalt',
  strukturellt_hinder: 'Strukturellt hinder',
  avslutad: 'Avslutad',
};

/** Everything a lead still has to act on. */
export const OPEN_STATUSES: readonly DeviationStatus[] = DEVIATION_STATUSES.filter((status) => status !== 'avslutad');

export const DEVIATION_ACTIONS = ['accept', 'investigate', 'resolve', 'escalate', 'close', 'reopen'] as const;
export type DeviationAction = (typeof DEVIATION_ACTIONS)[number];

export const ACTION_LABELS: Record<DeviationAction, string> = {
  accept: 'Ta emot',
  investigate: 'Påbörja utredning',
  resolve: 'Markera som åtgärdad lokalt',
  escalate: 'Eskalera som strukturellt hinder',
  close: 'Avsluta',
  reopen: 'Återöppna',
};

/** "Avvikelsen … kan inte <verb>". */
const ACTION_VERBS: Record<DeviationAction, string> = {
  accept: 'tas emot',
  investigate: 'utredas',
  resolve: 'markeras som åtgärdad lokalt',
  escalate: 'eskaleras',
  close: 'avslutas',
  reopen: 'återöppnas',
};

interface ActionRule {
  from: readonly DeviationStatus[];
  to: DeviationStatus;
  /**
   * required: the action must carry one; unless-set: one must exist after the action; none: the action needs
   * none (one given is kept all the same: see applyTransition).
   */
  resolution: 'required' | 'unless-set' | 'none';
  /** A reopened report was resolved or closed as far as the reporter knew: they are told why it is not. */
  comment?: 'required';
}

const RULES: Record<DeviationAction, ActionRule> = {
  accept: { from: ['ny'], to: 'mottagen', resolution: 'none' },
  investigate: { from: ['mottagen'], to: 'under_utredning', resolution: 'none' },
  resolve: { from: ['mottagen', 'under_utredning'], to: 'atgardad_lokalt', resolution: 'required' },
  escalate: { from: ['mottagen', 'under_utredning'], to: 'strukturellt_hinder', resolution: 'none' },
  close: { from: ['atgardad_lokalt', 'strukturellt_hinder'], to: 'avslutad', resolution: 'unless-set' },
  reopen: { from: ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'], to: 'under_utredning', resolution: 'none', comment: 'required' },
};

/**
 * What the acting user may do with this report's status: the owning delprojekt's leads everything,
 * analysts only what has been escalated to them, except in a delprojekt without an active lead, where they
 * stand in for the lead (everything); everyone else nothing.
 */
export type StatusAuthority = 'owner-lead' | 'stand-in-analyst' | 'analyst' | 'none';

export interface DeviationWorkflowState {
  status: DeviationStatus;
  resolution: string | null;
  assigneeId: string | null;
}

export interface TransitionRequest {
  action: DeviationAction;
  resolution?: string | null;
  /** Why (escalate, reopen); goes into the audit log. */
  comment?: string | null;
}

export interface DeviationChanges {
  status: DeviationStatus;
  resolution?: string | null;
  assigneeId?: string | null;
  acceptedAt?: Date | null;
  resolvedAt?: Date | null;
  escalatedAt?: Date | null;
  closedAt?: Date | null;
}

export class InvalidTransitionError extends DomainError {
  constructor(status: DeviationStatus, action: DeviationAction, allowed: DeviationAction[]) {
    const next = allowed.length ? ` Det som går nu: ${allowed.map((a) => ACTION_LABELS[a].toLowerCase()).join(', ')}.` : '';
    super(
      'invalid_transition',
      `Avvikelsen har status ${STATUS_LABELS[status].toLowerCase()} och kan inte ${ACTION_VERBS[action]}.${next}`,
      409,
      [],
      { status, action, allowedActions: allowed },
    );
  }
}

export class ResolutionRequiredError extends DomainError {
  constructor(action: DeviationAction) {
    const message =
      action === 'close'
        ? 'Beskriv vad som gjordes eller varför avvikelsen avslutas innan du avslutar den.'
        : 'Beskriv vad som gjordes innan du markerar avvikelsen som åtgärdad lokalt.';
    super('resolution_required', message, 422, [{ field: 'resolution', message }]);
  }
}

/** Reopening without saying why: the reporter, told it was done, would only learn that it is not. */
export class CommentRequiredError extends DomainError {
  constructor() {
    const message = 'Skriv varför avvikelsen öppnas igen. Rapportören ser skälet i avvikelsen.';
    super('comment_required', message, 422, [{ field: 'comment', message }]);
  }
}

function isAction(value: string): value is DeviationAction {
  return (DEVIATION_ACTIONS as readonly string[]).includes(value);
}

export function parseAction(value: string): DeviationAction | null {
  return isAction(value) ? value : null;
}

/** May this authority change the status at all, given where the report is now? */
export function canChangeStatus(status: DeviationStatus, authority: StatusAuthority): boolean {
  if (authority === 'owner-lead' || authority === 'stand-in-analyst') return true;
  if (authority === 'analyst') return status === 'strukturellt_hinder';
  return false;
}

/** The actions offered as buttons; the same rules that applyTransition enforces. */
export function availableActions(status: DeviationStatus, authority: StatusAuthority): DeviationAction[] {
  if (!canChangeStatus(status, authority)) return [];
  return DEVIATION_ACTIONS.filter((action) => RULES[action].from.includes(status));
}

function clean(text: string | null | undefined): string | null {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  return trimmed === '' ? null : trimmed;
}

/** Checks one status change and says exactly which columns change. Throws a Swedish DomainError otherwise. */
export function applyTransition(
  state: DeviationWorkflowState,
  request: TransitionRequest,
  actor: { userId: string; authority: StatusAuthority },
  now: Date,
): DeviationChanges {
  if (!canChangeStatus(state.status, actor.authority)) {
    throw new ForbiddenError(
      actor.authority === 'analyst'
        ? 'Verksamhetsutvecklare kan bara ändra status på avvikelser som eskalerats som strukturella hinder, och på avvikelser i delprojekt som saknar aktiv delprojektledare.'
        : 'Bara delprojektledare i delprojektet som äger avvikelsen kan ändra dess status.',
    );
  }
  const rule = RULES[request.action];
  if (!rule.from.includes(state.status)) {
    throw new InvalidTransitionError(state.status, request.action, availableActions(state.status, actor.authority));
  }
  const resolution = clean(request.resolution);
  if (rule.resolution === 'required' && !resolution) throw new ResolutionRequiredError(request.action);
  if (rule.resolution === 'unless-set' && !resolution && !clean(state.resolution)) throw new ResolutionRequiredError(request.action);
  if (rule.comment === 'required' && !clean(request.comment)) throw new CommentRequiredError();

  const changes: DeviationChanges = { status: rule.to };
  // What the lead wrote under "Åtgärd" is kept whichever button they pressed (Påbörja utredning, Eskalera …):
  // it becomes the report's åtgärd so far, shown in the field again and in the timeline, never thrown away.
  if (resolution && (rule.resolution !== 'none' || resolution !== clean(state.resolution))) changes.resolution = resolution;
  switch (request.action) {
    case 'accept':
      changes.acceptedAt = now;
      // Whoever accepts takes responsibility unless a colleague already has it.
      if (!state.assigneeId) changes.assigneeId = actor.userId;
      break;
    case 'resolve':
      changes.resolvedAt = now;
      break;
    case 'escalate':
      changes.escalatedAt = now;
      break;
    case 'close':
      changes.closedAt = now;
      break;
    case 'reopen':
      // A reopened report is neither resolved nor closed; the audit log keeps the earlier answer. A new
      // åtgärd typed with the reopening is where the work stands now.
      changes.closedAt = null;
      changes.resolvedAt = null;
      changes.resolution = resolution;
      break;
    case 'investigate':
      break;
  }
  return changes;
}

/** The audit-log kind each action writes. */
export const ACTION_EVENT_KINDS = {
  accept: 'accepted',
  investigate: 'investigation_started',
  resolve: 'resolved',
  escalate: 'escalated',
  close: 'closed',
  reopen: 'reopened',
} as const satisfies Record<DeviationAction, string>;
