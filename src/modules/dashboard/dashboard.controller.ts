import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { ChartRenderer } from '../../common/charts/chart-renderer';
import { stockholmDate } from '../../common/calendar/working-days';
import { Clock } from '../../common/clock/clock';
import { NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { PageRenderer } from '../../common/templates/page-renderer';
import { fieldErrors, validateForm } from '../../common/validation/validation';
import { CATEGORY_LABELS, DEVIATION_CATEGORIES } from '../deviation/deviation.constants';
import { OrganisationService } from '../organisation/organisation.service';
import { DashboardService } from './dashboard.service';
import { DashboardData } from './dashboard.types';
import { buildChartViews, ChartView, isDashboardChart, PARTY_OPTIONS, tableToCsv } from './dashboard-view';
import { DASHBOARD_FILTER_KEYS, DashboardFilterDto } from './dto/dashboard-filter.dto';

/** The filters as a query string (with "?"), for links that keep the view: CSV files, sharing. */
export function filterQuery(dto: DashboardFilterDto | null): string {
  if (!dto) return '';
  const params = new URLSearchParams();
  for (const key of DASHBOARD_FILTER_KEYS) {
    const value = dto[key];
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Översikten: patterns across kommuner for verksamhetsutvecklare, and for delprojektledare
 * within their own delprojekt. A page with server-drawn charts and tables, the same numbers as
 * JSON, and each chart's numbers as a CSV file.
 */
@ApiTags('översikt')
@ApiBearerAuth()
@Roles('analyst', 'lead')
@Controller()
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly organisation: OrganisationService,
    private readonly charts: ChartRenderer,
    private readonly pages: PageRenderer,
    private readonly clock: Clock,
  ) {}

  @Get('api/dashboard')
  @ApiOperation({
    summary: 'Översiktens siffror',
    description:
      'Avvikelser per kommun och kategori, per månad, per par av parter, handläggningstider och försenade per delprojekt, samt hinder när de finns. ' +
      'En delprojektledare får bara sitt eget delprojekt.',
  })
  @ApiOkResponse({ description: 'Översikten som JSON' })
  async api(@CurrentUser() user: AuthUser, @Query() query: DashboardFilterDto): Promise<DashboardData> {
    return this.dashboard.load(user, query);
  }

  @Get('oversikt')
  @ApiExcludeEndpoint()
  async page(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser): Promise<FastifyReply> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const form = await validateForm(DashboardFilterDto, query);
    const options = await this.filterOptions(user);
    const values = Object.fromEntries(DASHBOARD_FILTER_KEYS.map((key) => [key, typeof query[key] === 'string' ? query[key] : '']));
    const base = { options, values, errors: form.errors, isLead: user.role === 'lead' };
    if (!form.value) return this.pages.send(request, reply, 'dashboard', { ...base, charts: [] }, { status: 400 });

    let data: DashboardData;
    try {
      data = await this.dashboard.load(user, form.value);
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        const errors = fieldErrors(error);
        return this.pages.send(request, reply, 'dashboard', { ...base, errors, charts: [] }, { status: 400 });
      }
      throw error;
    }
    const views = buildChartViews(data, this.viewOptions());
    const charts = await Promise.all(
      views.map(async (view) => ({
        ...view,
        svg: view.spec ? await this.charts.render({ id: `diagram-${view.key}`, title: view.title, summary: view.summary, spec: view.spec }) : null,
      })),
    );
    return this.pages.send(request, reply, 'dashboard', { ...base, data, charts, query: filterQuery(form.value) });
  }

  /** /oversikt/kommun-kategori.csv?<the page's filters>: exactly the numbers of that chart's table. */
  @Get('oversikt/:file')
  @ApiExcludeEndpoint()
  async csv(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser, @Param('file') file: string): Promise<FastifyReply> {
    const key = file.endsWith('.csv') ? file.slice(0, -4) : '';
    if (!isDashboardChart(key)) throw new NotFoundError('Filen');
    const form = await validateForm(DashboardFilterDto, request.query ?? {});
    if (!form.value) {
      throw new ValidationFailedError(Object.entries(form.errors).map(([field, message]) => ({ field, message })), 'Filtren i adressen är ogiltiga.');
    }
    const data = await this.dashboard.load(user, form.value);
    const view = buildChartViews(data, this.viewOptions()).find((v) => v.key === key) as ChartView;
    const name = `avvikelser-${key}-${stockholmDate(this.clock.now())}.csv`;
    return reply
      .status(200)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(tableToCsv(view.table));
  }

  private viewOptions(): { acceptWithinWorkingDays: number; resolveWithinDays: number } {
    const policy = this.dashboard.deadlinePolicy;
    return { acceptWithinWorkingDays: policy.acceptWithinWorkingDays, resolveWithinDays: policy.resolveWithinDays };
  }

  /** A lead's lists hold only their own delprojekt and its kommuner. */
  private async filterOptions(user: AuthUser): Promise<{
    subprojects: Array<{ value: string; label: string }>;
    municipalities: Array<{ value: string; label: string }>;
    categories: Array<{ value: string; label: string }>;
    parties: Array<{ value: string; label: string }>;
  }> {
    const allowed = this.dashboard.allowedSubproject(user);
    const [subprojects, municipalities] = await Promise.all([
      this.organisation.listSubprojects(),
      this.organisation.listMunicipalities(allowed ?? undefined),
    ]);
    const names = new Map(subprojects.map((s) => [s.id, s.name]));
    return {
      subprojects: subprojects.filter((s) => !allowed || s.id === allowed).map((s) => ({ value: s.id, label: s.name })),
      municipalities: municipalities.map((m) => ({ value: m.id, label: allowed ? m.name : `${m.name} (${names.get(m.subprojectId) ?? ''})` })),
      categories: DEVIATION_CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] })),
      parties: PARTY_OPTIONS,
    };
  }
}

