/** A field-level problem, shown next to the field on a form and listed in API errors. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error the user can act on. The code is stable for API clients; the message is Swedish
 * and says what to fix. The exception filter maps it to `status`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly fields: FieldProblem[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} hittades inte.`, 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Du har inte behörighet till det här.') {
    super('forbidden', message, 403);
  }
}

/** Thrown by the guard; pages turn it into a redirect to sign-in, the API into 401. */
export class UnauthenticatedError extends DomainError {
  constructor() {
    super('unauthenticated', 'Du behöver logga in.', 401);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(fields: FieldProblem[], message = 'Några uppgifter behöver rättas. Se meddelandena vid fälten.') {
    super('validation_failed', message, 400, fields);
  }
}
