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
import { noActiveLeadMessage, ownAdminLossMessage, UserService } from './user.service';

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
    let created: User;
    try {
      created = await this.users.create(form.value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = fieldErrors(error);
      return this.renderList(request, reply, { values, errors, formError: error.message }, error.status);
    }
    return redirectAfterPost(reply, `/admin/anvandare?skapad=${created.id}`);
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
    const refused = (error: unknown): Promise<FastifyReply> => {
      if (!(error instanceof DomainError)) throw error;
      return this.renderEdit(request, reply, user, { values, errors: fieldErrors(error), formError: error.message }, error.status);
    };
    // What cannot be saved is said first: asking "Vill du spara ändå?" about a change that would then fail helps no one.
    try {
      await this.users.checkUpdate(id, form.value);
    } catch (error) {
      return refused(error);
    }
    const ownAdminLoss = request.user?.id === id ? this.ownAdminLoss(user, form.value) : null;
    // Leaving a delprojekt without an active lead, or oneself without the administrator's pages, is allowed, but only
    // once the administrator has read what it means.
    if (raw.confirmed !== '1') {
      const leftWithoutLead = await this.users.delprojektLeftWithoutLead(id, form.value);
      const confirm = [...(ownAdminLoss ? [ownAdminLossMessage(ownAdminLoss)] : []), ...(leftWithoutLead ? [noActiveLeadMessage(leftWithoutLead.name)] : [])];
      if (confirm.length > 0)
        return this.renderEdit(request, reply, user, { values, errors: {}, confirm, passwordCleared: form.value.password !== undefined });
    }
    try {
      await this.users.update(id, form.value);
      if (form.value.active === false || form.value.password !== undefined) await this.auth.endAllSessions(id);
    } catch (error) {
      return refused(error);
    }
    // Without the administrator's role the user list would say "Ingen behörighet": the start page is theirs still.
    if (ownAdminLoss) return redirectAfterPost(reply, '/');
    return redirectAfterPost(reply, `/admin/anvandare?sparad=${id}`);
  }

  /** Whether this change takes the acting administrator's own administration away, and how. */
  private ownAdminLoss(user: User, dto: UserUpdateDto): 'role' | 'active' | null {
    if (user.role !== 'admin' || !user.active) return null;
    if ((dto.role ?? user.role) !== 'admin') return 'role';
    return (dto.active ?? user.active) ? null : 'active';
  }

  private async renderList(request: AuthenticatedRequest, reply: FastifyReply, form: object, status = 200): Promise<FastifyReply> {
    const [users, subprojects] = await Promise.all([this.users.list(), this.organisation.listSubprojects({ activeOnly: true })]);
    const notice = this.notice(request.query as Record<string, unknown>, users);
    return this.pages.send(
      request,
      reply,
      'admin-users',
      { users: users.map(toView), subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })), roles: ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] })), roleLabels: ROLE_LABELS, form, notice },
      { status },
    );
  }

  /**
   * What was just done, from the address after the redirect (?skapad=id, ?sparad=id): the account is looked up, so the
   * notice says what the database says. Staff e-mail addresses are not participant data; the administrator sees them anyway.
   */
  private notice(query: Record<string, unknown>, users: User[]): string | null {
    const find = (id: unknown): User | undefined => (typeof id === 'string' ? users.find((u) => u.id === id) : undefined);
    const created = find(query.skapad);
    if (created) {
      const where = created.subproject ? ` i ${created.subproject.name}` : '';
      return `Kontot för ${created.name} (${created.email}) är skapat: ${ROLE_LABELS[created.role].toLowerCase()}${where}. Personen loggar in med e-postadressen och lösenordet du valde, och kan byta lösenordet själv.`;
    }
    const saved = find(query.sparad);
    if (saved) {
      const where = saved.subproject ? ` i ${saved.subproject.name}` : '';
      const state = saved.active ? '' : ' Kontot är avstängt.';
      return `Ändringarna för ${saved.name} (${saved.email}) är sparade: ${ROLE_LABELS[saved.role].toLowerCase()}${where}.${state}`;
    }
    return query.sparat === '1' ? 'Ändringen är sparad.' : null;
  }

  private async renderEdit(request: AuthenticatedRequest, reply: FastifyReply, user: User, form: object, status = 200): Promise<FastifyReply> {
    // Delprojekt in use, and the user's own even if it has been retired since, so saving leaves it as it was.
    const subprojects = (await this.organisation.listSubprojects()).filter((s) => s.deactivatedAt === null || s.id === user.subprojectId);
    return this.pages.send(
      request,
      reply,
      'admin-user-edit',
      { user: toView(user), subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })), roles: ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] })), form },
      { status },
    );
  }
}
