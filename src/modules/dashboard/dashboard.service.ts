import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { Clock } from '../../common/clock/clock';
import { ForbiddenError, ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfigService } from '../../config/app-config.service';
import { CATEGORY_LABELS, DEVIATION_CATEGORIES, DEVIATION_PARTIES, DeviationParty } from '../deviation/deviation.constants';
import { DeadlinePolicy, deadlinesFor } from '../deviation/deviation-deadlines';
import { quarterTrend } from '../barrier/barrier-trend';
import { Municipality } from '../organisation/municipality.entity';
import { OrganisationService } from '../organisation/organisation.service';
import {
  BARRIER_CATALOG_SQL,
  BarrierSchema,
  barrierSchemaFrom,
  buildBarrierEffectQuery,
  buildBarrierSizeQuery,
} from './dashboard-barrier.query';
import { buildDashboardQuery } from './dashboard.query';
import {
  BarrierEffectData,
  BarrierSection,
  BarrierSizeData,
  DashboardData,
  DashboardFilters,
  DashboardRaw,
  DurationStats,
  HeatmapData,
  MonthData,
  NamedRef,
  OverdueData,
  PartyPairData,
} from './dashboard.types';
import { DashboardFilterDto } from './dto/dashboard-filter.dto';

/** Short party names for pair labels; DOMAIN.md's codes are what staff say. */
export const PARTY_SHORT_LABELS: Record<DeviationParty, string> = {
  AF: 'AF',
  FK: 'FK',
  KOMMUN: 'Kommunen',
  REGION: 'Regionen',
  ANNAN: 'Annan',
};

export function pairLabel(a: DeviationParty, b: DeviationParty): string {
  return a === b ? `Endast ${PARTY_SHORT_LABELS[a]}` : `${PARTY_SHORT_LABELS[a]} ↔ ${PARTY_SHORT_LABELS[b]}`;
}

const MONTH_DAYS = 365.25 / 12;
/** A trend line of more months than this starts at the first report instead of at `from`. */
const MAX_MONTHS = 240;

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, 'sv');
}

function oneDecimal(value: number | null): number | null {
  return value === null || value === undefined ? null : Math.round(value * 10) / 10;
}

function duration(count: number, median: number | null, p90: number | null): DurationStats {
  return { count, medianDays: count ? oneDecimal(median) : null, p90Days: count ? oneDecimal(p90) : null };
}

/** YYYY-MM months from `first` to `last`, inclusive. */
export function monthRange(first: string, last: string): string[] {
  const months: string[] = [];
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  const end = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7));
  while (year * 12 + month <= end) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/**
 * The overview across kommuner: counts per kommun × category, per month, per pair of parties,
 * handling times and overdue reports per delprojekt, and barriers when that module exists.
 * Analysts see every delprojekt; a lead only their own, whatever the query asks for.
 */
@Injectable()
export class DashboardService {
  private readonly logger = new Logger(DashboardService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisation: OrganisationService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  get deadlinePolicy(): DeadlinePolicy {
    return { acceptWithinWorkingDays: this.config.env.ACCEPT_WITHIN_WORKING_DAYS, resolveWithinDays: this.config.env.RESOLVE_WITHIN_DAYS };
  }

  /** The delprojekt a user may look at: null = all (analysts), else exactly one (leads). */
  allowedSubproject(user: AuthUser): string | null {
    if (user.role === 'analyst') return null;
    if (user.role === 'lead' && user.subprojectId) return user.subprojectId;
    throw new ForbiddenError('Översikten är till för verksamhetsutvecklare och delprojektledare.');
  }

  /** Everything the page, the API and the CSV files show, in one read of the reports. */
  async load(user: AuthUser, dto: DashboardFilterDto): Promise<DashboardData> {
    const allowed = this.allowedSubproject(user);
    if (allowed && dto.subprojectId && dto.subprojectId !== allowed) {
      throw new ForbiddenError('Du kan bara se översikten för ditt eget delprojekt.');
    }
    const [subprojects, municipalities] = await Promise.all([this.organisation.listSubprojects(), this.organisation.listMunicipalities()]);
    const subprojectId = allowed ?? dto.subprojectId ?? null;
    const subproject = subprojectId ? subprojects.find((s) => s.id === subprojectId) : null;
    const municipality = dto.municipalityId ? municipalities.find((m) => m.id === dto.municipalityId) : null;
    const problems = [];
    if (subprojectId && !subproject) problems.push({ field: 'subprojectId', message: 'Välj ett delprojekt i listan.' });
    if (dto.municipalityId && !municipality) problems.push({ field: 'municipalityId', message: 'Välj en kommun i listan.' });
    if (problems.length) throw new ValidationFailedError(problems);

    const filters: DashboardFilters = {
      from: dto.from,
      to: dto.to,
      subprojectIds: subprojectId ? [subprojectId] : null,
      municipalityId: dto.municipalityId,
      category: dto.category,
      party: dto.party,
    };
    const now = this.clock.now();
    const query = buildDashboardQuery(filters);
    const [raw, barrierSchema] = await Promise.all([
      this.dataSource.query(query.sql, query.params).then((rows: DashboardRaw[]) => rows[0]),
      this.barrierSchema(),
    ]);
    const [barriers, effect] = await Promise.all([this.barrierSizes(barrierSchema, filters, now), this.barrierEffect(barrierSchema, filters, now)]);

    const scopeSubprojects = (subproject ? [subproject] : subprojects).map(({ id, name }) => ({ id, name })).sort(byName);
    const subprojectNames = new Map(subprojects.map((s) => [s.id, s.name]));
    return {
      generatedAt: now.toISOString(),
      filters: {
        from: dto.from ?? null,
        to: dto.to ?? null,
        subproject: subproject ? { id: subproject.id, name: subproject.name } : null,
        municipality: municipality ? { id: municipality.id, name: municipality.name } : null,
        category: dto.category ?? null,
        party: dto.party ?? null,
      },
      subprojects: scopeSubprojects,
      totals: { reports: raw.total, withoutParties: raw.without_parties },
      byMunicipalityAndCategory: this.heatmap(raw, filters, municipalities, municipality ?? null),
      byMonth: this.months(raw, filters),
      partyPairs: this.pairs(raw, scopeSubprojects),
      handlingTimes: scopeSubprojects.map((s) => {
        const row = raw.times.find((t) => t.subproject_id === s.id);
        return {
          subprojectId: s.id,
          subproject: s.name,
          reports: row?.reports ?? 0,
          accept: duration(row?.accepted ?? 0, row?.accept_median ?? null, row?.accept_p90 ?? null),
          resolve: duration(row?.resolved ?? 0, row?.resolve_median ?? null, row?.resolve_p90 ?? null),
        };
      }),
      overdue: this.overdue(raw, scopeSubprojects, subprojectNames, now),
      barriers,
      effect,
    };
  }

  private heatmap(raw: DashboardRaw, filters: DashboardFilters, all: Municipality[], chosen: Municipality | null): HeatmapData {
    const inScope = chosen
      ? [chosen]
      : all.filter((m) => !filters.subprojectIds || filters.subprojectIds.includes(m.subprojectId) || raw.heat.some((h) => h.municipality_id === m.id));
    const municipalities: NamedRef[] = inScope.map(({ id, name }) => ({ id, name })).sort(byName);
    const categories = (filters.category ? [filters.category] : [...DEVIATION_CATEGORIES]).map((value) => ({ value, label: CATEGORY_LABELS[value] }));
    const counts = new Map(raw.heat.map((h) => [`${h.municipality_id}|${h.category}`, h.n]));
    return {
      municipalities,
      categories,
      cells: municipalities.flatMap((m) =>
        categories.map((c) => ({ municipalityId: m.id, municipality: m.name, category: c.value, count: counts.get(`${m.id}|${c.value}`) ?? 0 })),
      ),
    };
  }

  private months(raw: DashboardRaw, filters: DashboardFilters): MonthData[] {
    if (!raw.monthly.length && !(filters.from && filters.to)) return [];
    const dataFirst = raw.monthly[0]?.month;
    const dataLast = raw.monthly[raw.monthly.length - 1]?.month;
    let first = filters.from?.slice(0, 7) ?? dataFirst;
    const last = filters.to?.slice(0, 7) ?? dataLast;
    if (!first || !last) return [];
    if (monthRange(first, last).length > MAX_MONTHS && dataFirst && dataFirst > first) first = dataFirst;
    const counts = new Map(raw.monthly.map((m) => [m.month, m.n]));
    return monthRange(first, last).map((month) => ({ month, count: counts.get(month) ?? 0 }));
  }

  private pairs(raw: DashboardRaw, subprojects: NamedRef[]): PartyPairData[] {
    const pairs: PartyPairData[] = [];
    DEVIATION_PARTIES.forEach((a, i) => {
      DEVIATION_PARTIES.slice(i).forEach((b) => {
        const rows = raw.pairs.filter((p) => p.a === a && p.b === b);
        pairs.push({
          parties: [a, b],
          label: pairLabel(a, b),
          count: rows.reduce((sum, row) => sum + row.n, 0),
          bySubproject: subprojects.map((s) => ({ subprojectId: s.id, subproject: s.name, count: rows.find((row) => row.subproject_id === s.id)?.n ?? 0 })),
        });
      });
    });
    return pairs;
  }

  /**
   * The deviation module's own deadline rule, applied once per (delprojekt, status, Swedish day)
   * rather than once per report: the rule depends on nothing else, and a day has many reports.
   */
  private overdue(raw: DashboardRaw, subprojects: NamedRef[], names: Map<string, string>, now: Date): OverdueData[] {
    const policy = this.deadlinePolicy;
    const result = new Map<string, OverdueData>(
      subprojects.map((s) => [s.id, { subprojectId: s.id, subproject: s.name, open: 0, notAccepted: 0, notResolved: 0 }]),
    );
    for (const group of raw.open_days) {
      let entry = result.get(group.subproject_id);
      if (!entry) {
        entry = { subprojectId: group.subproject_id, subproject: names.get(group.subproject_id) ?? 'Okänt delprojekt', open: 0, notAccepted: 0, notResolved: 0 };
        result.set(group.subproject_id, entry);
      }
      // Noon UTC lies on the same Swedish date, so the rule sees the day the reports came in.
      const deadlines = deadlinesFor({ status: group.status, reportedAt: new Date(`${group.day}T12:00:00Z`) }, now, policy);
      entry.open += group.n;
      if (deadlines.notAcceptedInTime) entry.notAccepted += group.n;
      if (deadlines.notResolvedInTime) entry.notResolved += group.n;
    }
    return [...result.values()];
  }

  /** null when the barrier module's tables are not (yet) there. */
  private async barrierSchema(): Promise<BarrierSchema | null> {
    const rows = (await this.dataSource.query(BARRIER_CATALOG_SQL)) as Array<{ table_name: string; column_name: string }>;
    return barrierSchemaFrom(rows);
  }

  private async barrierSizes(schema: BarrierSchema | null, filters: DashboardFilters, now: Date): Promise<BarrierSection<BarrierSizeData>> {
    if (!schema) return { available: false, reason: 'Inga hinder ännu.' };
    try {
      const query = buildBarrierSizeQuery(schema, filters);
      const rows = (await this.dataSource.query(query.sql, query.params)) as Array<{
        id: string;
        title: string;
        reports: number;
        municipalities: number;
        quarters: Record<string, number> | null;
      }>;
      if (!rows.length) return { available: false, reason: 'Inga hinder ännu.' };
      return {
        available: true,
        items: rows.map((row) => {
          const trend = quarterTrend(new Map(Object.entries(row.quarters ?? {})));
          return { id: row.id, title: row.title, reports: row.reports, municipalities: row.municipalities, quarters: trend.quarters, trend: trend.direction };
        }),
      };
    } catch (error) {
      // A barrier table of another shape than expected must not take the whole overview down.
      this.logger.warn(`Hindren kunde inte läsas: ${error instanceof Error ? error.message.slice(0, 200) : 'okänt fel'}`);
      return { available: false, reason: 'Hindren kunde inte läsas just nu.' };
    }
  }

  private async barrierEffect(schema: BarrierSchema | null, filters: DashboardFilters, now: Date): Promise<BarrierSection<BarrierEffectData>> {
    if (!schema) return { available: false, reason: 'Inga hinder ännu.' };
    const query = buildBarrierEffectQuery(schema, filters, now);
    if (!query) return { available: false, reason: 'Inga skrivelser eller lokala åtgärder ännu.' };
    try {
      const rows = (await this.dataSource.query(query.sql, query.params)) as Array<{
        barrier_id: string;
        title: string;
        action: 'skrivelse' | 'lokal_atgard';
        day: string;
        reports_before: number;
        reports_after: number;
        days_before: number;
        days_after: number;
      }>;
      if (!rows.length) return { available: false, reason: 'Inga skickade skrivelser eller lokala åtgärder ännu.' };
      return {
        available: true,
        items: rows.map((row) => {
          const monthsBefore = row.days_before / MONTH_DAYS;
          const monthsAfter = row.days_after / MONTH_DAYS;
          return {
            barrierId: row.barrier_id,
            title: row.title,
            action: row.action,
            actionLabel: row.action === 'skrivelse' ? 'Skrivelse skickad' : 'Lokal åtgärd',
            date: row.day,
            monthsBefore: oneDecimal(monthsBefore) ?? 0,
            reportsBefore: row.reports_before,
            ratePerMonthBefore: oneDecimal(row.reports_before / monthsBefore) ?? 0,
            monthsAfter: oneDecimal(monthsAfter) ?? 0,
            reportsAfter: row.reports_after,
            // Under a month after the date says nothing about a rate yet.
            ratePerMonthAfter: row.days_after >= 30 ? oneDecimal(row.reports_after / monthsAfter) : null,
          };
        }),
      };
    } catch (error) {
      this.logger.warn(`Effekten kunde inte läsas: ${error instanceof Error ? error.message.slice(0, 200) : 'okänt fel'}`);
      return { available: false, reason: 'Effekten kunde inte läsas just nu.' };
    }
  }
}
