import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { DomainError, FieldProblem, ValidationFailedError } from '../errors/domain-error';

/** Class-validator's own texts are English; these cover what DTO messages cannot. */
function swedishFallback(constraint: string, property: string, english: string): string {
  switch (constraint) {
    case 'whitelistValidation':
      return `Fältet "${property}" är okänt. Ta bort det.`;
    case 'isDefined':
      return `Fältet "${property}" måste anges.`;
    case 'nestedValidation':
      return `Fältet "${property}" har fel form.`;
    default:
      // DTOs give Swedish messages; an English one means a DTO forgot to.
      return /^[a-z0-9_.]+ (must|should) /i.test(english) ? `Fältet "${property}" har ett ogiltigt värde.` : english;
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: swedishFallback(constraint, field, message),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The global pipe: whitelisted DTOs, Swedish field errors, and no 500 for a body of the wrong shape. */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => new ValidationFailedError(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDtoBody = metadata.type === 'body' && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (isDtoBody && !isPlainObject(value)) {
      throw new ValidationFailedError([], 'Begäran måste vara ett JSON-objekt med fälten som beskrivs i API-dokumentationen.');
    }
    return super.transform(value, metadata);
  }
}

export interface FormResult<T> {
  value: T | null;
  /** Field name → first Swedish message, ready to show beside the field. */
  errors: Record<string, string>;
}

/** For server-rendered forms: validate without throwing, so the form comes back filled in. */
export async function validateForm<T extends object>(dto: ClassConstructor<T>, body: unknown): Promise<FormResult<T>> {
  const source = isPlainObject(body) ? body : {};
  const instance = plainToInstance(dto, source);
  const problems = flattenValidationErrors(
    await validate(instance, { whitelist: true, forbidNonWhitelisted: false, validationError: { target: false, value: false } }),
  );
  if (problems.length === 0) return { value: instance, errors: {} };
  const errors: Record<string, string> = {};
  for (const problem of problems) errors[problem.field] ??= problem.message;
  return { value: null, errors };
}

/** Trims strings from forms and JSON so "  " counts as empty. */
export const trimString = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export type FormValues = Record<string, unknown>;

/** What the user typed, to put back into the form (the CSRF token is the page's own, not theirs). */
export function formValues(raw: unknown): FormValues {
  const values: FormValues = isPlainObject(raw) ? { ...raw } : {};
  delete values._csrf;
  return values;
}

/** A domain error's field problems as field → first message, ready to show beside each field. */
export function fieldErrors(error: DomainError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of error.fields) errors[field.field] ??= field.message;
  return errors;
}

/**
 * Characters as the length rule counts them (class-validator's Length and MaxLength, by validator's isLength): a
 * character outside the BMP (an emoji) is one, a variation selector none. The forms' live count counts the same way.
 */
export function characters(value: string): number {
  const pairs = value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  const selectors = value.match(/[\uFE0E\uFE0F]/g)?.length ?? 0;
  return value.length - pairs - selectors;
}

/** "Underlaget får vara högst 20000 tecken (nu 20012)." for a MaxLength message: names the field and how far over it is. */
export function tooLongMessage(noun: string, max: number): (args: { value: unknown }) => string {
  return ({ value }) => `${noun} får vara högst ${max} tecken${typeof value === 'string' ? ` (nu ${characters(value)})` : ''}.`;
}
