import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isIsoDate } from '../calendar/working-days';

/**
 * A real calendar day written ÅÅÅÅ-MM-DD within this century, for period filters named `from` and
 * `to`: 2026-13-45 matches the pattern but would reach the database as an invalid date.
 */
@ValidatorConstraint({ name: 'swedishDate' })
export class SwedishDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value) && value >= '2000-01-01' && value <= '2099-12-31';
  }

  defaultMessage(args: ValidationArguments): string {
    return args.property === 'from' ? 'Ange från-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01.' : 'Ange till-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-12-31.';
  }
}

/** A `to` date on or after the same object's `from` (either may be absent). */
@ValidatorConstraint({ name: 'notBeforeFrom' })
export class NotBeforeFrom implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const from = (args.object as { from?: unknown }).from;
    return typeof value !== 'string' || typeof from !== 'string' || value >= from;
  }

  defaultMessage(): string {
    return 'Till-datum kan inte vara före från-datum.';
  }
}
