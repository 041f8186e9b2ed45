import { ClassConstructor } from 'class-transformer';
import { FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { PiiDetectionOptions } from '../pii/pii-detector';
import { fieldErrors, formValues, FormValues, validateForm } from '../validation/validation';
import { redirectAfterPost } from './page-renderer';
import {
  confirmedIdNumbers,
  idNumbersRemovedState,
  PersonalDataFormState,
  personalDataRemovedState,
  wantsIdNumberRemoval,
  wantsPiiRemoval,
  withIdNumberQuestions,
  withPersonalDataNotices,
} from './personal-data-form';
import { detectPii } from '../pii/pii-detector';

/** A form's free text as the personal-data check and "Ta bort personuppgifterna åt mig" see it. */
export interface PersonalDataFields {
  /** The fields the check reads and the button masks. */
  readonly texts: readonly string[];
  /** Each field's Swedish name as the subject of a sentence ("Beskrivningen"). */
  readonly names: Readonly<Record<string, string>>;
  /** The button to press after the removal; '' for a form with a button per action (or named by the page). */
  readonly next: string;
  /** The same options the service's check uses, so the page finds what the service refused. */
  readonly pii?: PiiDetectionOptions;
  /**
   * Also stop once for a number that looks like a mistyped personnummer or samordningsnummer, which the check
   * lets through (id-number-near-miss): the writer takes it out ("Ta bort numret åt mig") or says it is not one.
   */
  readonly idNumbers?: boolean;
  /** Numbers vouched for before (fingerprints stored with the record, e.g. a letter's): not asked about again. */
  readonly vouched?: readonly string[];
}

/** One post of a form where people write: what differs from form to form. */
export interface TextFormPost<T extends object> extends PersonalDataFields {
  /** The body as posted. */
  readonly raw: unknown;
  /** The values shown again (default: as posted, without the CSRF token). */
  readonly values?: FormValues;
  /** The form's own rules; a valid value goes to submit. */
  readonly dto: ClassConstructor<T>;
  /** The action; answers where to go next. A DomainError it throws shows the form again. */
  readonly submit: (value: T) => Promise<string>;
  /** Errors left to Nest rather than shown at the form, e.g. a 404 for a report the user may not see. */
  readonly passThrough?: (error: DomainError) => boolean;
  /**
   * Every problem of a form its own rules refused (default: the rules' messages). Given, it also runs on the
   * form after the button, so the writer sees what else to fix in the same round.
   */
  readonly problems?: (values: FormValues) => Promise<PersonalDataFormState>;
  /** The values shown after a refusal (default: as posted). */
  readonly keep?: (values: FormValues, error: DomainError) => FormValues | Promise<FormValues>;
}

/** Go on to `redirect`, or show the form again with `state` (and the error that refused it, if any). */
export type TextFormOutcome =
  | { readonly redirect: string }
  | { readonly redirect?: undefined; readonly state: PersonalDataFormState; readonly status: number; readonly error?: DomainError };

/** The usual passThrough on a page about one record: a 404 is the error page, not a form error. */
export function isNotFound(error: DomainError): boolean {
  return error.status === 404;
}

/**
 * The shared course of a post with free text: "Ta bort personuppgifterna åt mig" shows the form again with
 * placeholders (nothing submitted); otherwise the form's rules, then the action, whose refusal for personal
 * data quotes the writer's words around each finding (personal-data-form). The quotes exist only in the state
 * returned here, for the response to this post.
 */
export async function runTextForm<T extends object>(post: TextFormPost<T>): Promise<TextFormOutcome> {
  const values = post.values ?? formValues(post.raw);
  const confirmed = post.idNumbers ? confirmedIdNumbers(post.raw) : [];
  const known = [...confirmed, ...(post.vouched ?? [])];
  // Numbers the writer vouched for stay vouched for when the form comes back for another reason.
  const carried = (state: PersonalDataFormState): PersonalDataFormState => (confirmed.length > 0 ? { ...state, idNumbersConfirmed: confirmed.join('.') } : state);
  const asked = (state: PersonalDataFormState): PersonalDataFormState =>
    carried(post.idNumbers ? withIdNumberQuestions(state, post.texts, post.names, post.next, post.pii, known) : state);
  if (wantsPiiRemoval(post.raw) || (post.idNumbers && wantsIdNumberRemoval(post.raw))) {
    const removed = wantsPiiRemoval(post.raw)
      ? personalDataRemovedState(values, post.texts, post.names, post.next, post.pii)
      : idNumbersRemovedState(values, post.texts, post.names, post.next, post.pii);
    if (!post.problems) return { state: carried(removed), status: 200 };
    const { errors, formError } = await post.problems(removed.values);
    return { state: carried({ ...removed, errors, formError }), status: 200 };
  }
  const form = await validateForm(post.dto, post.raw);
  if (!form.value) {
    const state = asked(post.problems ? await post.problems(values) : { values, errors: form.errors });
    return { state, status: state.personalData ? 422 : 400 };
  }
  // Asked before the action, unless the text holds personal data the action refuses anyway (that is fixed first).
  if (post.idNumbers && !post.texts.some((field) => typeof values[field] === 'string' && detectPii(values[field] as string, post.pii).length > 0)) {
    const state = asked({ values, errors: {} });
    if (state.personalData) return { state, status: 422 };
  }
  try {
    return { redirect: await post.submit(form.value) };
  } catch (error) {
    if (!(error instanceof DomainError) || post.passThrough?.(error)) throw error;
    const kept = post.keep ? await post.keep(values, error) : values;
    return { state: carried(refusedTextForm(post, kept, error)), status: error.status, error };
  }
}

/** runTextForm, answered: a 303 on success, else the page from `show`. */
export async function postTextForm<T extends object>(
  reply: FastifyReply,
  post: TextFormPost<T> & { readonly show: (state: PersonalDataFormState, status: number) => Promise<FastifyReply> },
): Promise<FastifyReply> {
  const outcome = await runTextForm(post);
  return outcome.redirect !== undefined ? redirectAfterPost(reply, outcome.redirect) : post.show(outcome.state, outcome.status);
}

/** A form refused by `error`, as the page shows it: the field messages, and for personal data the quotes. */
export function refusedTextForm(fields: PersonalDataFields, values: FormValues, error: DomainError, message?: string): PersonalDataFormState {
  return withPersonalDataNotices({ values, errors: fieldErrors(error), formError: error.message }, error, fields.names, fields.pii, message);
}
