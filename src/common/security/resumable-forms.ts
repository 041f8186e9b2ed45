import { Injectable } from '@nestjs/common';
import { AuthenticatedRequest } from '../auth/auth-user';
import { FormValues } from '../validation/validation';

/** A page that shows a form again, filled with what was posted, after the login ended mid-form. */
export interface ResumedPage {
  template: string;
  data: object;
}

/**
 * A form where people write text, which is shown again (not stored) when it is posted after the
 * session has ended, so nothing typed is lost. The page must not show anything only a signed-in
 * user may see: it is rendered for a request without a user.
 */
export interface ResumableForm {
  /** Matches the path (no query string) the form posts to. */
  path: RegExp;
  /** Null when nothing was written (a button press): the post then goes to the login page like any other. */
  render(request: AuthenticatedRequest, values: FormValues, match: RegExpExecArray): Promise<ResumedPage | null>;
}

/** One field of a re-shown form; `value` is what was posted. */
export interface ResumedField {
  name: string;
  label: string;
  kind: 'hidden' | 'text' | 'date' | 'textarea' | 'select' | 'checkboxes';
  /** For checkboxes: the checked option's value, '' when none was checked. */
  value: string;
  /** The choices of a select, or the boxes of a checkboxes field (its label is then the legend). */
  options?: ReadonlyArray<{ value: string; label: string }>;
  placeholder?: string;
  rows?: number;
}

/** A text form shown again with only what was posted: same path, same fields, the same button. */
export interface ResumedFormSpec {
  heading: string;
  /** A sentence under the heading, e.g. who will read what was written. */
  intro?: string;
  action: string;
  fields: ResumedField[];
  button: { label: string; name?: string; value?: string };
  /** A link back to the page the form was on (which needs a login). */
  back?: { href: string; label: string };
}

/** The generic page (`form-resume`) for a re-shown form. */
export function resumedForm(spec: ResumedFormSpec): ResumedPage {
  return { template: 'form-resume', data: { resumed: spec } };
}

/** An id in a form's path, captured (match[1]). */
export const ID_IN_PATH = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

/** A posted field as one string ('' when missing or posted more than once). */
export function postedText(values: FormValues, key: string): string {
  const value = values[key];
  return typeof value === 'string' ? value : '';
}

/** Modules register their text forms here; the exception filter asks it on a 401 to a form post. */
@Injectable()
export class ResumableForms {
  private readonly forms: ResumableForm[] = [];

  register(form: ResumableForm): void {
    this.forms.push(form);
  }

  find(path: string): { form: ResumableForm; match: RegExpExecArray } | null {
    for (const form of this.forms) {
      const match = form.path.exec(path);
      if (match) return { form, match };
    }
    return null;
  }
}
