import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import nunjucks from 'nunjucks';
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

  constructor() {
    const root = templatesRoot();
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(root, { noCache: false }), {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    });
    this.env.addFilter('datum', (value: unknown) => formatDate(value));
    this.env.addFilter('datumtid', (value: unknown) => formatDateTime(value));
  }

  render(template: string, context: object): string {
    return this.env.render(template, context);
  }

  exists(template: string): boolean {
    return existsSync(join(templatesRoot(), template));
  }
}
