import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest } from '../../common/auth/auth-user';
import { ROLE_LABELS, ROLES } from '../../common/auth/role';
import { DomainError } from '../../common/errors/domain-error';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { fieldErrors, validateForm } from '../../common/validation/validation';
import { ApiTokenCreateDto } from '../auth/dto/api-token-create.dto';
import { AuthService, CreatedApiToken } from '../auth/auth.service';
import { OrganisationService } from '../organisation/organisation.service';
import { UserCreateDto, UserUpdateDto } from './dto/user.dto';
import { User } from './user.entity';
import { noActiveLeadMessage, UserService } from './user.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: string;
  subprojectId: string | null;
  subprojectName: string | null;
  active: boolean;
  lastLoginAt: Date | null;
}

/** A change that was saved but has a consequence the administrator should know about. */
export interface UserWarning {
  code: 'subproject_without_lead';
  subprojectId: string;
  message: string;
}

function toView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    subprojectId: user.subprojectId,
    subprojectName: user.subproject?.name ?? null,
    active: user.active,
    lastLoginAt: user.lastLoginAt,
  };
}

@ApiTags('användare')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class UserController {
  constructor(
    private readonly users: UserService,
    private readonly auth: AuthService,
    private readonly organisation: OrganisationService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('api/users')
  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toView);
  }

  @Post('api/users')
  async create(@Body() dto: UserCreateDto): Promise<UserView> {
    return toView(await this.users.create(dto));
  }

  @Patch('api/users/:id')
  async update(@Param('id', uuid) id: string, @Body() dto: UserUpdateDto): Promise<UserView & { warnings: UserWarning[] }> {
    const leftWithoutLead = await this.users.delprojektLeftWithoutLead(id, dto);
    const user = await this.users.update(id, dto);
    if (dto.active === false || dto.password !== undefined) await this.auth.endAllSessions(id);
    const warnings: UserWarning[] = leftWithoutLead
      ? [{ code: 'subproject_without_lead', subprojectId: leftWithoutLead.id, message: noActiveLeadMessage(leftWithoutLead.name) }]
      : [];
    return { ...toView(user), warnings };
  }

  @Post('api/users/:id/tokens')
  async createToken(@Param('id', uuid) id: string, @Body() dto: ApiTokenCreateDto): Promise<CreatedApiToken> {
    await this.users.get(id);
    return this.auth.createApiToken(id, dto.name);
  }

  // Pages.

  @Get('admin/anvandare')
  @ApiExcludeEndpoint()
  listPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderList(request, reply, { values: {}, errors: {} });
  }

  @Post('admin/anvandare')
  @ApiExcludeEndpoint()
  async createFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    const form = await validateForm(UserCreateDto, body);
    const values = { ...((body ?? {}) as Record<string, unknown>), password: '' };
    if (!form.value) return this.renderList(request, reply, { values, errors: form.errors }, 400);
    try {
      await this.users.create(form.value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = fieldErrors(error);
      return this.renderList(request, reply, { values, errors, formError: error.message }, error.status);
    }
    return redirectAfterPost(reply, '/admin/anvandare?sparat=1');
  }

  @Get('admin/anvandare/:id')
  @ApiExcludeEndpoint()
  async editPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    const user = await this.users.get(id);
    return this.renderEdit(request, reply, user, { values: toView(user), errors: {} });
  }

  @Post('admin/anvandare/:id')
  @ApiExcludeEndpoint()
  async updateFromForm(
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Param('id', uuid) id: string,
    @Body() body: unknown,
  ): Promise<FastifyReply> {
    const user = await this.users.get(id);
    const raw = (body ?? {}) as Record<string, unknown>;
    // An unticked checkbox is simply absent from the form.
    const form = await validateForm(UserUpdateDto, { ...raw, active: raw.active ?? 'false' });
    const values = { ...raw, active: raw.active === 'on', password: '' };
    // The form shows the name as required: emptying it is a mistake to point out, not the API's "leave unchanged".
    const nameMissing = typeof raw.name !== 'string' || raw.name.trim() === '';
    const errors = { ...(form.value ? {} : form.errors), ...(nameMissing ? { name: 'Skriv personens namn.' } : {}) };
    if (!form.value || nameMissing) return this.renderEdit(request, reply, user, { values, errors }, 400);
    // Leaving a delprojekt without an active lead is allowed, but only once the administrator has read what it means.
    if (raw.confirmed !== '1') {
      const leftWithoutLead = await this.users.delprojektLeftWithoutLead(id, form.value);
      if (leftWithoutLead)
        return this.renderEdit(request, reply, user, {
          values,
          errors: {},
          confirm: noActiveLeadMessage(leftWithoutLead.name),
          passwordCleared: form.value.password !== undefined,
        });
    }
    try {
      await this.users.update(id, form.value);
      if (form.value.active === false || form.value.password !== undefined) await this.auth.endAllSessions(id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = fieldErrors(error);
      return this.renderEdit(request, reply, user, { values, errors, formError: error.message }, error.status);
    }
    return redirectAfterPost(reply, '/admin/anvandare?sparat=1');
  }

  private async renderList(request: AuthenticatedRequest, reply: FastifyReply, form: object, status = 200): Promise<FastifyReply> {
    const [users, subprojects] = await Promise.all([this.users.list(), this.organisation.listSubprojects()]);
    const saved = (request.query as Record<string, unknown>).sparat === '1';
    return this.pages.send(
      request,
      reply,
      'admin-users',
      { users: users.map(toView), subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })), roles: ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] })), roleLabels: ROLE_LABELS, form, saved },
      { status },
    );
  }

  private async renderEdit(request: AuthenticatedRequest, reply: FastifyReply, user: User, form: object, status = 200): Promise<FastifyReply> {
    const subprojects = await this.organisation.listSubprojects();
    return this.pages.send(
      request,
      reply,
      'admin-user-edit',
      { user: toView(user), subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })), roles: ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] })), form },
      { status },
    );
  }
}
