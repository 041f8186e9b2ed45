import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { ClassConstructor } from 'class-transformer';
import { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { DomainError } from '../../common/errors/domain-error';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { fieldErrors, validateForm } from '../../common/validation/validation';
import {
  FederationCreateDto,
  MunicipalityCreateDto,
  MunicipalityMoveDto,
  MunicipalityRenameDto,
  MunicipalityUpdateDto,
  SubprojectCreateDto,
  UnitRenameDto,
} from './dto/organisation.dto';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';
import { OrganisationService, OrganisationTree } from './organisation.service';
import { Subproject } from './subproject.entity';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

@ApiTags('organisation')
@ApiBearerAuth()
@Controller()
export class OrganisationController {
  constructor(
    private readonly organisation: OrganisationService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('api/organisation')
  tree(): Promise<OrganisationTree> {
    return this.organisation.tree();
  }

  @Roles('admin')
  @Post('api/federations')
  createFederation(@Body() dto: FederationCreateDto): Promise<Federation> {
    return this.organisation.createFederation(dto);
  }

  @Roles('admin')
  @Post('api/subprojects')
  createSubproject(@Body() dto: SubprojectCreateDto): Promise<Subproject> {
    return this.organisation.createSubproject(dto);
  }

  @Roles('admin')
  @Post('api/municipalities')
  createMunicipality(@Body() dto: MunicipalityCreateDto): Promise<Municipality> {
    return this.organisation.createMunicipality(dto);
  }

  @Roles('admin')
  @Patch('api/federations/:id')
  renameFederation(@Param('id', uuid) id: string, @Body() dto: UnitRenameDto): Promise<Federation> {
    return this.organisation.renameFederation(id, dto.name);
  }

  @Roles('admin')
  @Patch('api/subprojects/:id')
  renameSubproject(@Param('id', uuid) id: string, @Body() dto: UnitRenameDto): Promise<Subproject> {
    return this.organisation.renameSubproject(id, dto.name);
  }

  /** A new name, a new delprojekt, or both; the counts of open reports are there when it moved. */
  @Roles('admin')
  @Patch('api/municipalities/:id')
  async updateMunicipality(
    @CurrentUser() user: AuthUser,
    @Param('id', uuid) id: string,
    @Body() dto: MunicipalityUpdateDto,
  ): Promise<Municipality & { movedDeviations?: number; stayedDeviations?: number }> {
    if (dto.name === undefined && dto.subprojectId === undefined) {
      const message = 'Ange ett nytt namn (name) eller ett nytt delprojekt (subprojectId).';
      throw new DomainError('nothing_to_change', message, 400, [{ field: 'name', message }]);
    }
    let municipality = dto.name !== undefined ? await this.organisation.renameMunicipality(id, dto.name) : await this.organisation.getMunicipality(id);
    if (dto.subprojectId === undefined) return { ...municipality };
    const result = await this.organisation.moveMunicipality(id, dto.subprojectId, { openDeviations: dto.openDeviations ?? 'stay', actorId: user.id });
    municipality = result.municipality;
    return { ...municipality, movedDeviations: result.movedDeviations, stayedDeviations: result.stayedDeviations };
  }

  // Pages for the administrator.

  @Roles('admin')
  @Get('admin/organisation')
  @ApiExcludeEndpoint()
  async page(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderPage(request, reply, {});
  }

  @Roles('admin')
  @Post('admin/organisation/forbund')
  @ApiExcludeEndpoint()
  addFederation(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'federation', FederationCreateDto, (dto) => this.organisation.createFederation(dto));
  }

  @Roles('admin')
  @Post('admin/organisation/delprojekt')
  @ApiExcludeEndpoint()
  addSubproject(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'subproject', SubprojectCreateDto, (dto) => this.organisation.createSubproject(dto));
  }

  @Roles('admin')
  @Post('admin/organisation/kommuner')
  @ApiExcludeEndpoint()
  addMunicipality(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'municipality', MunicipalityCreateDto, (dto) => this.organisation.createMunicipality(dto));
  }

  @Roles('admin')
  @Post('admin/organisation/kommuner/:id/flytta')
  @ApiExcludeEndpoint()
  async move(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    const raw = (body ?? {}) as Record<string, unknown>;
    const form = await validateForm(MunicipalityMoveDto, body);
    // Moving a kommun changes who gets its reports: the first send asks, and says what happens to its open reports.
    if (form.value && raw.confirmed !== '1') {
      const municipality = await this.organisation.getMunicipality(id);
      if (municipality.subprojectId !== form.value.subprojectId) {
        const [from, to, openDeviations] = await Promise.all([
          this.organisation.getSubproject(municipality.subprojectId),
          this.organisation.getSubproject(form.value.subprojectId),
          this.organisation.openDeviationCount(id),
        ]);
        return this.pages.send(request, reply, 'admin-municipality-move', { municipality, from, to, openDeviations });
      }
    }
    const user = request.user;
    return this.handleForm(request, reply, body, `move-${id}`, MunicipalityMoveDto, async (dto) => {
      const result = await this.organisation.moveMunicipality(id, dto.subprojectId, { openDeviations: dto.openDeviations ?? 'stay', actorId: user?.id ?? null });
      return result;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/forbund/:id/namn')
  @ApiExcludeEndpoint()
  renameFederationForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, UnitRenameDto, (dto) => this.organisation.renameFederation(id, dto.name));
  }

  @Roles('admin')
  @Post('admin/organisation/delprojekt/:id/namn')
  @ApiExcludeEndpoint()
  renameSubprojectForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, UnitRenameDto, (dto) => this.organisation.renameSubproject(id, dto.name));
  }

  @Roles('admin')
  @Post('admin/organisation/kommuner/:id/namn')
  @ApiExcludeEndpoint()
  renameMunicipalityForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, MunicipalityRenameDto, (dto) => this.organisation.renameMunicipality(id, dto.name));
  }

  private async handleForm<T extends object>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    body: unknown,
    formName: string,
    dto: ClassConstructor<T>,
    action: (value: T) => Promise<unknown>,
  ): Promise<FastifyReply> {
    const form = await validateForm(dto, body);
    const values = (body ?? {}) as Record<string, unknown>;
    if (!form.value) return this.renderPage(request, reply, { [formName]: { values, errors: form.errors } }, 400);
    try {
      await action(form.value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderPage(request, reply, { [formName]: { values, errors: fieldErrors(error), formError: error.message } }, error.status);
    }
    return redirectAfterPost(reply, '/admin/organisation?sparat=1');
  }

  private async renderPage(request: AuthenticatedRequest, reply: FastifyReply, forms: Record<string, unknown>, status = 200): Promise<FastifyReply> {
    const [tree, subprojects, withoutLead] = await Promise.all([
      this.organisation.tree(),
      this.organisation.listSubprojects(),
      this.organisation.subprojectsWithoutActiveLead(),
    ]);
    const saved = (request.query as Record<string, unknown>).sparat === '1';
    return this.pages.send(request, reply, 'admin-organisation', {
        tree,
        subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })),
        federationOptions: tree.federations.map((f) => ({ value: f.id, label: f.name })),
        formState: forms,
        withoutLead,
        withoutLeadIds: withoutLead.map((s) => s.id),
        saved,
      }, { status });
  }
}
