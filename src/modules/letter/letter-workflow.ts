import { DomainError } from '../../common/errors/domain-error';
import { LetterStatus } from './letter.constants';

/**
 * A letter's life: utkast → granskad → skickad → besvarad, and from granskad back to utkast if the
 * review finds something. Only a draft can be edited. Pure: every rule is unit-tested.
 */

export const LETTER_ACTIONS = ['review', 'reopen', 'send', 'answer'] as const;
export type LetterAction = (typeof LETTER_ACTIONS)[number];

export const LETTER_ACTION_LABELS: Record<LetterAction, string> = {
  review: 'Granska',
  reopen: 'Återför till utkast',
  send: 'Markera skickad',
  answer: 'Registrera svar',
};

const RULES: Record<LetterAction, { from: LetterStatus; to: LetterStatus; refusal: string }> = {
  review: { from: 'utkast', to: 'granskad', refusal: 'Bara ett utkast kan granskas.' },
  reopen: { from: 'granskad', to: 'utkast', refusal: 'Bara en granskad skrivelse kan föras tillbaka till utkast.' },
  send: { from: 'granskad', to: 'skickad', refusal: 'Skrivelsen måste vara granskad innan den markeras som skickad.' },
  answer: { from: 'skickad', to: 'besvarad', refusal: 'Svar kan bara registreras på en skickad skrivelse.' },
};

/** "Skrivelsen är nu ett utkast." */
const STATUS_PHRASES: Record<LetterStatus, string> = {
  utkast: 'ett utkast',
  granskad: 'granskad',
  skickad: 'skickad',
  besvarad: 'besvarad',
};

export function isLetterAction(value: unknown): value is LetterAction {
  return typeof value === 'string' && (LETTER_ACTIONS as readonly string[]).includes(value);
}

/** The actions the letter's status allows, in the order the page offers them. */
export function availableActions(status: LetterStatus): LetterAction[] {
  return LETTER_ACTIONS.filter((action) => RULES[action].from === status);
}

export function canEdit(status: LetterStatus): boolean {
  return status === 'utkast';
}

/** The status after `action`, or a 409 with a Swedish reason. */
export function nextStatus(status: LetterStatus, action: LetterAction): LetterStatus {
  const rule = RULES[action];
  if (rule.from !== status) {
    throw new DomainError('letter_invalid_transition', `${rule.refusal} Skrivelsen är nu ${STATUS_PHRASES[status]}.`, 409, [], { status, action });
  }
  return rule.to;
}

export function assertEditable(status: LetterStatus): void {
  if (!canEdit(status)) {
    throw new DomainError(
      'letter_not_editable',
      `Skrivelsen är ${STATUS_PHRASES[status]} och kan inte ändras. Bara ett utkast kan ändras${status === 'granskad' ? '; för tillbaka den till utkast först' : ''}.`,
      409,
      [],
      { status },
    );
  }
}
