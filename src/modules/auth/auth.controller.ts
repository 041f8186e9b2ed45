import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentUser, Public } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { DomainError } from '../../common/errors/domain-error';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { validateForm } from '../../common/validation/validation';
import { AppConfigService } from '../../config/app-config.service';
import { AuthService, LoginRateLimitedError, SESSION_COOKIE } from './auth.service';
import { ApiTokenCreateDto } from './dto/api-token-create.dto';
import { LoginFormDto } from './dto/login-form.dto';

/** Only same-site paths, so the sign-in form cannot be used to send people elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PageRenderer,
    private readonly config: AppConfigService,
  ) {}

  @Public()
  @Get('logga-in')
  @ApiExcludeEndpoint()
  loginPage(
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Query('nasta') next?: string,
    @Query('utloggad') loggedOut?: string,
  ): FastifyReply {
    if (request.user) return reply.redirect(safeNext(next), 303);
    return this.pages.send(request, reply, 'login', { email: '', next: safeNext(next), errors: {}, loggedOut: loggedOut === '1' });
  }

  @Public()
  @Post('logga-in')
  @ApiExcludeEndpoint()
  async login(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    const form = await validateForm(LoginFormDto, body);
    const raw = (body ?? {}) as Record<string, unknown>;
    const email = typeof raw.email === 'string' ? raw.email : '';
    const next = safeNext(raw.nasta);
    if (!form.value) {
      return this.pages.send(request, reply, 'login', { email, next, errors: form.errors }, { status: 400 });
    }
    try {
      const user = await this.auth.verifyCredentials(form.value.email, form.value.password, request.ip);
      const token = await this.auth.createSession(user.id);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.secureCookies,
      });
      return redirectAfterPost(reply, next);
    } catch (error) {
      if (error instanceof LoginRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
      if (error instanceof DomainError) {
        return this.pages.send(request, reply, 'login', { email, next, errors: {}, formError: error.message }, { status: error.status });
      }
      throw error;
    }
  }

  @Public()
  @Post('logga-ut')
  @ApiExcludeEndpoint()
  async logout(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await this.auth.destroySession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return redirectAfterPost(reply, '/logga-in?utloggad=1');
  }

  @Get('api/me')
  @ApiTags('konto')
  @ApiBearerAuth()
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }

  @Get('api/tokens')
  @ApiTags('konto')
  @ApiBearerAuth()
  async listTokens(@CurrentUser() user: AuthUser): Promise<Array<{ id: string; name: string; prefix: string; lastUsedAt: Date | null; createdAt: Date }>> {
    const tokens = await this.auth.listApiTokens(user.id);
    return tokens.map(({ id, name, prefix, lastUsedAt, createdAt }) => ({ id, name, prefix, lastUsedAt, createdAt }));
  }

  @Post('api/tokens')
  @ApiTags('konto')
  @ApiBearerAuth()
  createToken(@CurrentUser() user: AuthUser, @Body() dto: ApiTokenCreateDto): Promise<{ id: string; name: string; token: string; prefix: string }> {
    return this.auth.createApiToken(user.id, dto.name);
  }

  @Delete('api/tokens/:id')
  @HttpCode(204)
  @ApiTags('konto')
  @ApiBearerAuth()
  async revokeToken(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    await this.auth.revokeApiToken(user.id, id);
  }
}
