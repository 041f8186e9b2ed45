import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { ClassConstructor } from 'class-transformer';
import { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
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
import { OrganisationService, OrganisationTree, swedishList, UNIT_WORDS, UnitKind, UnitReferences } from './organisation.service';
import { Subproject } from './subproject.entity';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** The kinds of unit as the pages' addresses name them. */
const KIND_PATHS: Record<string, UnitKind> = { forbund: 'federation', delprojekt: 'subproject', kommuner: 'municipality' };
const PATH_OF: Record<UnitKind, string> = { federation: 'forbund', subproject: 'delprojekt', municipality: 'kommuner' };
/** In notices' addresses (?enhet=kommun): one word per kind. */
const NOTICE_KINDS: Record<string, UnitKind> = { forbund: 'federation', delprojekt: 'subproject', kommun: 'municipality' };
const NOTICE_KIND_OF: Record<UnitKind, string> = { federation: 'forbund', subproject: 'delprojekt', municipality: 'kommun' };

/** Where on the organisation page a unit is: its heading or list item. */
export function unitAnchor(kind: UnitKind, id: string): string {
  return `${NOTICE_KIND_OF[kind]}-${id}`;
}

const API_KINDS: Record<string, UnitKind> = { federations: 'federation', subprojects: 'subproject', municipalities: 'municipality' };

/** The kind from the address of one of the API routes declared for all three (/api/<kind>/:id…). */
function apiKind(request: AuthenticatedRequest): UnitKind {
  const kind = API_KINDS[request.url.split('/')[2] ?? ''];
  if (!kind) throw new NotFoundError('Sidan');
  return kind;
}

function kindOf(path: string): UnitKind {
  const kind = KIND_PATHS[path];
  if (!kind) throw new NotFoundError('Sidan');
  return kind;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "3 öppna avvikelser", "1 öppen avvikelse". */
function openCount(n: number): string {
  return n === 1 ? '1 öppen avvikelse' : `${n} öppna avvikelser`;
}

function queryNumber(value: unknown): number | null {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

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

  /** Deletes a unit nothing refers to; 409 with what still refers to it otherwise (retire it instead). */
  @Roles('admin')
  @Delete(['api/federations/:id', 'api/subprojects/:id', 'api/municipalities/:id'])
  @HttpCode(204)
  async removeUnit(@Req() request: AuthenticatedRequest, @Param('id', uuid) id: string): Promise<void> {
    await this.organisation.remove(apiKind(request), id);
  }

  /** Retires a unit: kept for history, offered for nothing new. */
  @Roles('admin')
  @Post(['api/federations/:id/deactivate', 'api/subprojects/:id/deactivate', 'api/municipalities/:id/deactivate'])
  @HttpCode(200)
  async deactivateUnit(@Req() request: AuthenticatedRequest, @Param('id', uuid) id: string): Promise<{ id: string; name: string; active: boolean }> {
    const { name } = await this.organisation.deactivate(apiKind(request), id);
    return { id, name, active: false };
  }

  @Roles('admin')
  @Post(['api/federations/:id/reactivate', 'api/subprojects/:id/reactivate', 'api/municipalities/:id/reactivate'])
  @HttpCode(200)
  async reactivateUnit(@Req() request: AuthenticatedRequest, @Param('id', uuid) id: string): Promise<{ id: string; name: string; active: boolean }> {
    const { name } = await this.organisation.reactivate(apiKind(request), id);
    return { id, name, active: true };
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

  /**
   * A form's address opened by itself: after a refusal the page is shown at the address the form posted to, and
   * reloading it asks for it by GET. It leads (303) to the form on the organisation page, as the barrier and letter
   * pages do. The unit's own forms lead to the unit.
   */
  @Roles('admin')
  @Get('admin/organisation/:kind')
  @ApiExcludeEndpoint()
  newFormAddress(@Res() reply: FastifyReply, @Param('kind') kind: string): FastifyReply {
    const sections: Record<UnitKind, string> = { federation: 'nytt-forbund', subproject: 'nytt-delprojekt', municipality: 'ny-kommun' };
    return reply.redirect(`/admin/organisation#${sections[kindOf(kind)]}`, 303);
  }

  @Roles('admin')
  @Get('admin/organisation/:kind/:id/:form')
  @ApiExcludeEndpoint()
  unitFormAddress(@Res() reply: FastifyReply, @Param('kind') path: string, @Param('id', uuid) id: string, @Param('form') form: string): FastifyReply {
    const kind = kindOf(path);
    const forms = kind === 'municipality' ? ['namn', 'flytta', 'avveckla', 'ateraktivera'] : ['namn', 'avveckla', 'ateraktivera'];
    if (!forms.includes(form)) throw new NotFoundError('Sidan');
    return reply.redirect(`/admin/organisation#${unitAnchor(kind, id)}`, 303);
  }

  @Roles('admin')
  @Post('admin/organisation/forbund')
  @ApiExcludeEndpoint()
  addFederation(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'federation', FederationCreateDto, async (dto) => {
      const federation = await this.organisation.createFederation(dto);
      return `klart=ny&enhet=forbund&id=${federation.id}`;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/delprojekt')
  @ApiExcludeEndpoint()
  addSubproject(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'subproject', SubprojectCreateDto, async (dto) => {
      const subproject = await this.organisation.createSubproject(dto);
      return `klart=ny&enhet=delprojekt&id=${subproject.id}`;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/kommuner')
  @ApiExcludeEndpoint()
  addMunicipality(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, 'municipality', MunicipalityCreateDto, async (dto) => {
      const municipality = await this.organisation.createMunicipality(dto);
      return `klart=ny&enhet=kommun&id=${municipality.id}`;
    });
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
      if (municipality.subprojectId !== form.value.subprojectId && municipality.deactivatedAt === null) {
        const [from, to, openDeviations] = await Promise.all([
          this.organisation.getSubproject(municipality.subprojectId),
          this.organisation.getSubproject(form.value.subprojectId),
          this.organisation.openDeviationCount(id),
        ]);
        if (to.deactivatedAt === null) return this.pages.send(request, reply, 'admin-municipality-move', { municipality, from, to, openDeviations });
      }
    }
    const user = request.user;
    return this.handleForm(request, reply, body, `move-${id}`, MunicipalityMoveDto, async (dto) => {
      const from = (await this.organisation.getMunicipality(id)).subprojectId;
      const result = await this.organisation.moveMunicipality(id, dto.subprojectId, { openDeviations: dto.openDeviations ?? 'stay', actorId: user?.id ?? null });
      const counts = dto.openDeviations === 'follow' ? `med=${result.movedDeviations}` : `kvar=${result.stayedDeviations}&fran=${from}`;
      return `klart=flyttad&enhet=kommun&id=${id}&${counts}`;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/forbund/:id/namn')
  @ApiExcludeEndpoint()
  renameFederationForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, UnitRenameDto, async (dto) => {
      await this.organisation.renameFederation(id, dto.name);
      return `klart=namn&enhet=forbund&id=${id}`;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/delprojekt/:id/namn')
  @ApiExcludeEndpoint()
  renameSubprojectForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, UnitRenameDto, async (dto) => {
      await this.organisation.renameSubproject(id, dto.name);
      return `klart=namn&enhet=delprojekt&id=${id}`;
    });
  }

  @Roles('admin')
  @Post('admin/organisation/kommuner/:id/namn')
  @ApiExcludeEndpoint()
  renameMunicipalityForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    return this.handleForm(request, reply, body, `rename-${id}`, MunicipalityRenameDto, async (dto) => {
      await this.organisation.renameMunicipality(id, dto.name);
      return `klart=namn&enhet=kommun&id=${id}`;
    });
  }

  /** "Ta bort eller avveckla": what refers to the unit, and the one of the two that is possible, to confirm. */
  @Roles('admin')
  @Get('admin/organisation/:kind/:id/ta-bort')
  @ApiExcludeEndpoint()
  async removePage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('kind') path: string, @Param('id', uuid) id: string): Promise<FastifyReply> {
    return this.renderRemove(request, reply, await this.organisation.references(kindOf(path), id));
  }

  @Roles('admin')
  @Post('admin/organisation/:kind/:id/ta-bort')
  @ApiExcludeEndpoint()
  async remove(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('kind') path: string, @Param('id', uuid) id: string, @Body() body: unknown): Promise<FastifyReply> {
    const kind = kindOf(path);
    // Only the confirmation page's button removes: anything else is shown the page that asks.
    if (((body ?? {}) as Record<string, unknown>).confirmed !== '1') return this.renderRemove(request, reply, await this.organisation.references(kind, id));
    try {
      const { name } = await this.organisation.remove(kind, id);
      return redirectAfterPost(reply, `/admin/organisation?klart=borttagen&enhet=${NOTICE_KIND_OF[kind]}&namn=${encodeURIComponent(name)}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderRemove(request, reply, await this.organisation.references(kind, id), error.message, error.status);
    }
  }

  @Roles('admin')
  @Post('admin/organisation/:kind/:id/avveckla')
  @ApiExcludeEndpoint()
  async deactivate(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('kind') path: string, @Param('id', uuid) id: string): Promise<FastifyReply> {
    const kind = kindOf(path);
    try {
      await this.organisation.deactivate(kind, id);
      return redirectAfterPost(reply, `/admin/organisation?klart=avvecklad&enhet=${NOTICE_KIND_OF[kind]}&id=${id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderRemove(request, reply, await this.organisation.references(kind, id), error.message, error.status);
    }
  }

  @Roles('admin')
  @Post('admin/organisation/:kind/:id/ateraktivera')
  @ApiExcludeEndpoint()
  async reactivate(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('kind') path: string, @Param('id', uuid) id: string): Promise<FastifyReply> {
    const kind = kindOf(path);
    try {
      await this.organisation.reactivate(kind, id);
      return redirectAfterPost(reply, `/admin/organisation?klart=ateraktiverad&enhet=${NOTICE_KIND_OF[kind]}&id=${id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderPage(request, reply, { [`reactivate-${id}`]: { values: {}, errors: {}, formError: error.message } }, error.status);
    }
  }

  private renderRemove(request: AuthenticatedRequest, reply: FastifyReply, unit: UnitReferences, formError?: string, status = 200): FastifyReply {
    const words = UNIT_WORDS[unit.kind];
    return this.pages.send(
      request,
      reply,
      'admin-unit-remove',
      { unit, referencesText: swedishList(unit.references), the: words.the, it: words.gender === 't' ? 'det' : 'den', path: PATH_OF[unit.kind], anchor: unitAnchor(unit.kind, unit.id), formError },
      { status },
    );
  }

  /** action: does what the form asks and returns the query of the notice to show after the redirect. */
  private async handleForm<T extends object>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    body: unknown,
    formName: string,
    dto: ClassConstructor<T>,
    action: (value: T) => Promise<string>,
  ): Promise<FastifyReply> {
    const form = await validateForm(dto, body);
    const values = (body ?? {}) as Record<string, unknown>;
    if (!form.value) return this.renderPage(request, reply, { [formName]: { values, errors: form.errors } }, 400);
    let notice: string;
    try {
      notice = await action(form.value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderPage(request, reply, { [formName]: { values, errors: fieldErrors(error), formError: error.message } }, error.status);
    }
    return redirectAfterPost(reply, `/admin/organisation?${notice}`);
  }

  /**
   * What was just done, from the address after the redirect (?klart=…&enhet=…&id=…): the unit is looked up, so the
   * notice names it as the database does now. Only a removed unit's name comes from the address: it is gone.
   */
  private async notice(query: Record<string, unknown>, tree: OrganisationTree): Promise<string | null> {
    if (query.sparat === '1') return 'Ändringen är sparad.';
    const kind = typeof query.enhet === 'string' ? NOTICE_KINDS[query.enhet] : undefined;
    if (!kind) return null;
    const The = capitalised(UNIT_WORDS[kind].the);
    const neuter = UNIT_WORDS[kind].gender === 't';
    if (query.klart === 'borttagen' && typeof query.namn === 'string' && query.namn.length <= 120) return `${The} ${query.namn} är borttag${neuter ? 'et' : 'en'}.`;
    const federation = tree.federations.find((f) => f.id === query.id);
    const subproject = tree.federations.flatMap((f) => f.subprojects.map((sp) => ({ ...sp, federationName: f.name }))).find((sp) => sp.id === query.id);
    const municipality = tree.federations
      .flatMap((f) => f.subprojects.flatMap((sp) => sp.municipalities.map((m) => ({ ...m, subprojectName: sp.name }))))
      .find((m) => m.id === query.id);
    const unit = kind === 'federation' ? federation : kind === 'subproject' ? subproject : municipality;
    if (!unit) return null;
    switch (query.klart) {
      case 'ny':
        if (municipality) return `Kommunen ${municipality.name} är tillagd i ${municipality.subprojectName}. Nya avvikelser därifrån går dit.`;
        if (subproject) return `Delprojektet ${subproject.name} är tillagt i ${subproject.federationName}. Lägg till dess kommuner här och en delprojektledare under Användare.`;
        return `Förbundet ${unit.name} är tillagt. Lägg till dess delprojekt här.`;
      case 'namn':
        return `Namnet är ändrat: ${UNIT_WORDS[kind].the} heter nu ${unit.name}.`;
      case 'flyttad': {
        if (!municipality) return null;
        const moved = queryNumber(query.med);
        const stayed = queryNumber(query.kvar);
        const first = `${municipality.name} hör nu till ${municipality.subprojectName}: nya avvikelser därifrån går dit.`;
        if (moved !== null) return moved === 0 ? `${first} Kommunen hade inga öppna avvikelser att flytta.` : `${first} ${capitalised(openCount(moved))} flyttades med till ${municipality.subprojectName}.`;
        const fromName = tree.federations.flatMap((f) => f.subprojects).find((sp) => sp.id === query.fran)?.name ?? 'det tidigare delprojektet';
        if (stayed !== null)
          return stayed === 0 ? `${first} Kommunen hade inga öppna avvikelser.` : `${first} ${capitalised(openCount(stayed))} stannar hos ${fromName} tills ${stayed === 1 ? 'den är avslutad' : 'de är avslutade'}.`;
        return first;
      }
      case 'avvecklad':
        return `${The} ${unit.name} är avveckla${neuter ? 't' : 'd'}: ${neuter ? 'det' : 'den'} finns kvar i historiken, listor och filter men går inte längre att välja för något nytt.`;
      case 'ateraktiverad':
        return `${The} ${unit.name} är i bruk igen.`;
      default:
        return null;
    }
  }

  private async renderPage(request: AuthenticatedRequest, reply: FastifyReply, forms: Record<string, unknown>, status = 200): Promise<FastifyReply> {
    const [tree, subprojects, withoutLead] = await Promise.all([
      this.organisation.tree(),
      this.organisation.listSubprojects({ activeOnly: true }),
      this.organisation.subprojectsWithoutActiveLead(),
    ]);
    return this.pages.send(request, reply, 'admin-organisation', {
        tree,
        subprojectOptions: subprojects.map((s) => ({ value: s.id, label: s.name })),
        federationOptions: tree.federations.filter((f) => f.active).map((f) => ({ value: f.id, label: f.name })),
        formState: forms,
        unitSummary: unitSummary(forms),
        withoutLead,
        withoutLeadIds: withoutLead.map((s) => s.id),
        notice: status === 200 ? await this.notice(request.query as Record<string, unknown>, tree) : null,
      }, { status });
  }
}

/**
 * A refused form of one unit (rename, move, reactivate) sits far down the page: its message is also put in an error
 * summary at the top, which takes focus and links to the unit's field. The new-unit forms have their own.
 */
function unitSummary(forms: Record<string, unknown>): { errors: Record<string, string>; linkTo: Record<string, string> } | null {
  for (const [name, state] of Object.entries(forms)) {
    const match = /^(rename|move|reactivate)-(.+)$/.exec(name);
    if (!match) continue;
    const { errors = {}, formError } = state as { errors?: Record<string, string>; formError?: string };
    const message = errors.name ?? errors.subprojectId ?? Object.values(errors)[0] ?? formError;
    if (!message) continue;
    const anchor = match[1] === 'rename' ? `namn-${match[2]}` : match[1] === 'move' ? `flytta-${match[2]}` : `ateraktivera-${match[2]}`;
    return { errors: { [name]: message }, linkTo: { [name]: anchor } };
  }
  return null;
}
