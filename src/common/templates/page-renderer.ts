import { Injectable } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/auth-user';
import { ROLE_LABELS } from '../auth/role';
import { navigationFor } from './navigation';
import { TemplateRenderer } from './template-renderer';

export interface PageOptions {
  status?: number;
}

/** Renders a page of templates/pages with what every page needs: user, menu, CSRF token. */
@Injectable()
export class PageRenderer {
  constructor(private readonly templates: TemplateRenderer) {}

  render(request: AuthenticatedRequest, template: string, data: object = {}): string {
    const path = request.url.split('?')[0];
    return this.templates.render(`pages/${template}.njk`, {
      ...data,
      currentUser: request.user ?? null,
      roleLabel: request.user ? ROLE_LABELS[request.user.role] : '',
      csrfToken: request.csrfToken ?? '',
      navigation: navigationFor(request.user?.role, path),
      currentPath: path,
    });
  }

  send(request: AuthenticatedRequest, reply: FastifyReply, template: string, data: object = {}, options: PageOptions = {}): FastifyReply {
    const html = this.render(request, template, data);
    return reply
      .status(options.status ?? 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  }
}

/** 303 after a successful form post, so reloading does not post twice. */
export function redirectAfterPost(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 303);
}
