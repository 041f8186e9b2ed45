import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest } from '../../common/auth/auth-user';
import { Role } from '../../common/auth/role';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../../common/errors/domain-error';
import { hasValidCsrfToken, isSafeMethod } from '../../common/security/csrf';
import { AuthService, SESSION_COOKIE } from './auth.service';

export class CsrfError extends DomainError {
  constructor() {
    super('csrf_invalid', 'Formuläret har gått ut eller saknar säkerhetskod. Ladda om sidan och skicka igen.', 403);
  }
}

/**
 * Deny by default: every route needs a signed-in user unless marked @Public(), and @Roles()
 * narrows it further. Cookie-authenticated writes must carry the CSRF token; bearer calls need not,
 * since a browser never attaches a bearer token on its own.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    await this.identify(request);

    if (!isSafeMethod(request.method) && request.authMethod !== 'bearer' && !hasValidCsrfToken(request)) {
      throw new CsrfError();
    }

    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    if (!request.user) throw new UnauthenticatedError();

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.user.role)) throw new ForbiddenError();
    return true;
  }

  private async identify(request: AuthenticatedRequest): Promise<void> {
    if (request.user) return;
    const header = request.headers.authorization;
    if (typeof header === 'string' && /^bearer\s+/i.test(header)) {
      const user = await this.auth.resolveApiToken(header.replace(/^bearer\s+/i, '').trim());
      if (!user) throw new UnauthenticatedError();
      request.user = user;
      request.authMethod = 'bearer';
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const resolved = await this.auth.resolveSession(cookie);
      if (resolved) {
        request.user = resolved.user;
        request.authMethod = 'session';
        request.sessionId = resolved.sessionId;
      }
    }
  }
}
