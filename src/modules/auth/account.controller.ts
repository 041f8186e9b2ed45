import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { DomainError } from '../../common/errors/domain-error';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { fieldErrors, validateForm } from '../../common/validation/validation';
import { PASSWORD_MIN_LENGTH } from '../user/dto/user.dto';
import { AuthService, LoginRateLimitedError } from './auth.service';
import { PasswordChangeDto } from './dto/password-change.dto';

/** The order errors are listed in, as the fields stand on the page. */
const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;

/** Your own account: change your password (every role). Passwords are never shown again or logged. */
@ApiExcludeController()
@Controller('konto')
export class AccountController {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('losenord')
  passwordPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): FastifyReply {
    const done = (request.query as Record<string, unknown>).klart === '1';
    return this.render(request, reply, {}, undefined, 200, done);
  }

  @Post('losenord')
  async changePassword(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const form = await validateForm(PasswordChangeDto, raw);
    const errors: Record<string, string> = { ...form.errors };
    const given = (raw ?? {}) as Record<string, unknown>;
    if (!errors.confirmPassword && !errors.newPassword && given.newPassword !== given.confirmPassword) {
      errors.confirmPassword = 'De två nya lösenorden är inte lika. Skriv samma lösenord i båda fälten.';
    }
    if (!form.value || Object.keys(errors).length) return this.render(request, reply, errors, undefined, 400);
    try {
      await this.auth.changeOwnPassword(user, request.sessionId, form.value.currentPassword, form.value.newPassword, request.ip);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error instanceof LoginRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
      const fields = fieldErrors(error);
      return this.render(request, reply, fields, Object.keys(fields).length ? undefined : error.message, error.status);
    }
    return redirectAfterPost(reply, '/konto/losenord?klart=1');
  }

  private render(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    errors: Record<string, string>,
    formError: string | undefined,
    status: number,
    done = false,
  ): FastifyReply {
    const ordered: Record<string, string> = {};
    for (const field of FIELDS) if (errors[field]) ordered[field] = errors[field];
    return this.pages.send(
      request,
      reply,
      'account-password',
      { errors: ordered, formError, done, minLength: PASSWORD_MIN_LENGTH, email: (request.user as AuthUser).email },
      { status },
    );
  }
}
