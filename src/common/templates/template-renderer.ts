import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import nunjucks from 'nunjucks';
import { saidByAField } from './error-summary';
import { formatDate, formatDateTime } from './formatting';

/** templates/ sits at the project root, three levels above both src/common/templates and dist/common/templates. */
export function templatesRoot(): string {
  const candidates = [resolve(__dirname, '..', '..', '..', 'templates'), resolve(process.cwd(), 'templates')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

/** One renderer for pages, e-mails and letters, with HTML escaping on by default. */
@Injectable()
export class TemplateRenderer {
  private readonly env: nunjucks.Environment;
  /** Plain text (mail bodies, subjects) must not be HTML-escaped: "&" stays "&". */
  private readonly textEnv: nunjucks.Environment;
  private readonly existing = new Map<string, boolean>();

  constructor() {
    const root = templatesRoot();
    // One loader each: a loader caches templates compiled for its own environment.
    const options = { throwOnUndefined: false, trimBlocks: true, lstripBlocks: true };
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(root, { noCache: false }), { ...options, autoescape: true });
    this.textEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(root, { noCache: false }), { ...options, autoescape: false });
    for (const env of [this.env, this.textEnv]) {
      env.addFilter('datum', (value: unknown) => formatDate(value));
      env.addFilter('datumtid', (value: unknown) => formatDateTime(value));
      env.addFilter('saidByAField', (formError: unknown, errors: unknown) => saidByAField(formError, errors));
    }
  }

  render(template: string, context: object): string {
    return this.env.render(template, context);
  }

  /** For templates whose output is not HTML (e-mail text and subject). */
  renderText(template: string, context: object): string {
    return this.textEnv.render(template, context);
  }

  /** Cached: templates do not come and go while the app runs, and mails check theirs on every enqueue. */
  exists(template: string): boolean {
    let found = this.existing.get(template);
    if (found === undefined) {
      found = existsSync(join(templatesRoot(), template));
      this.existing.set(template, found);
    }
    return found;
  }
}
