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
  render(request: AuthenticatedRequest, values: FormValues, match: RegExpExecArray): Promise<ResumedPage>;
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
