import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { Clock } from '../../common/clock/clock';
import { ForbiddenError, ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfigService } from '../../config/app-config.service';
import { CATEGORY_LABELS, DEVIATION_CATEGORIES, DEVIATION_PARTIES, DeviationParty } from '../deviation/deviation.constants';
import { DeadlinePolicy } from '../deviation/deviation-deadlines';
import { stockholmDate } from '../../common/calendar/working-days';
import { quarterOf, quarterTrend } from '../barrier/barrier-trend';
import { Municipality } from '../organisation/municipality.entity';
import { OrganisationService } from '../organisation/organisation.service';
import {
  BARRIER_CATALOG_SQL,
  BarrierSchema,
  barrierSchemaFrom,
  buildBarrierEffectQuery,
  buildBarrierSizeQuery,
} from './dashboard-barrier.query';
import { buildCountsQuery, buildDeadlineQuery, buildDurationQuery } from './dashboard.query';
import { overdueCutoffs } from './dashboard-overdue';
import {
  BarrierEffectData,
  BarrierSection,
  BarrierSizeData,
  DashboardData,
  CountsRaw,
  CountsRow,
  DashboardFilters,
  DeadlineRaw,
  DurationRaw,
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
/** The largest barriers shown. */
const BARRIER_LIMIT = 30;
/** Enough to hash and sort 100 000 reports in memory (about 12 MB); per connection, for one statement. */
const SORT_MEMORY = '64MB';

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, 'sv');
}

function oneDecimal(value: number | null): number | null {
  return value === null || value === undefined ? null : Math.round(value * 10) / 10;
}

function duration(row: DurationRaw | undefined): DurationStats {
  return row ? { count: row.n, medianDays: oneDecimal(row.percentiles[0]), p90Days: oneDecimal(row.percentiles[1]) } : { count: 0, medianDays: null, p90Days: null };
}

/** The chart counts from the counts statement's two kinds of rows. */
export function sumCounts(rows: readonly CountsRow[]): CountsRaw {
  const heat = new Map<string, CountsRaw['heat'][number]>();
  const sets = new Map<string, CountsRaw['party_sets'][number]>();
  const monthly: CountsRaw['monthly'] = [];
  const reports = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'month' && row.month !== null) {
      monthly.push({ month: row.month, n: row.n });
    } else if (row.kind === 'cell' && row.municipality_id !== null && row.subproject_id !== null && row.category !== null && row.parties !== null) {
      const heatKey = `${row.municipality_id}|${row.category}`;
      const cell = heat.get(heatKey) ?? { municipality_id: row.municipality_id, category: row.category, n: 0 };
      cell.n += row.n;
      heat.set(heatKey, cell);
      const setKey = `${row.subproject_id}|${row.parties.join(',')}`;
      const set = sets.get(setKey) ?? { subproject_id: row.subproject_id, parties: row.parties, n: 0 };
      set.n += row.n;
      sets.set(setKey, set);
      reports.set(row.subproject_id, (reports.get(row.subproject_id) ?? 0) + row.n);
    }
  }
  monthly.sort((a, b) => a.month.localeCompare(b.month));
  return { heat: [...heat.values()], monthly, party_sets: [...sets.values()], reports };
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
    const [subprojects, municipalities, barrierSchema] = await Promise.all([
      this.organisation.listSubprojects(),
      this.organisation.listMunicipalities(),
      this.barrierSchema(),
    ]);
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
    const scopeSubprojects = (subproject ? [subproject] : subprojects).map(({ id, name }) => ({ id, name })).sort(byName);
    const counts = buildCountsQuery(filters);
    const deadlines = buildDeadlineQuery(filters, overdueCutoffs(now, this.deadlinePolicy));
    const accept = buildDurationQuery(filters, 'accept');
    const resolve = buildDurationQuery(filters, 'resolve');
    // Side by side, each on its own pooled connection: the wait is the slowest one, not the sum.
    const [countRows, deadlineRows, acceptRows, resolveRows, barriers, effect] = await Promise.all([
      this.queryInMemory<CountsRow>(counts.sql, counts.params),
      this.dataSource.query(deadlines.sql, deadlines.params) as Promise<DeadlineRaw[]>,
      this.queryInMemory<DurationRaw>(accept.sql, accept.params),
      this.queryInMemory<DurationRaw>(resolve.sql, resolve.params),
      this.barrierSizes(barrierSchema, filters, now),
      this.barrierEffect(barrierSchema, filters, now),
    ]);
    const raw = sumCounts(countRows);

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
      totals: {
        reports: raw.heat.reduce((sum, cell) => sum + cell.n, 0),
        withoutParties: raw.party_sets.filter((set) => set.parties.length === 0).reduce((sum, set) => sum + set.n, 0),
      },
      byMunicipalityAndCategory: this.heatmap(raw, filters, municipalities, municipality ?? null),
      byMonth: this.months(raw, filters),
      partyPairs: this.pairs(raw, scopeSubprojects),
      handlingTimes: scopeSubprojects.map((s) => ({
        subprojectId: s.id,
        subproject: s.name,
        reports: raw.reports.get(s.id) ?? 0,
        accept: duration(acceptRows.find((row) => row.subproject_id === s.id)),
        resolve: duration(resolveRows.find((row) => row.subproject_id === s.id)),
      })),
      overdue: this.overdue(deadlineRows, scopeSubprojects, subprojectNames),
      barriers,
      effect,
    };
  }

  private heatmap(raw: CountsRaw, filters: DashboardFilters, all: Municipality[], chosen: Municipality | null): HeatmapData {
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

  private months(raw: CountsRaw, filters: DashboardFilters): MonthData[] {
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

  /** Every pair of parties named together in a report, and single parties named alone, from the party sets. */
  private pairs(raw: CountsRaw, subprojects: NamedRef[]): PartyPairData[] {
    const counts = new Map<string, number>();
    for (const set of raw.party_sets) {
      const present = DEVIATION_PARTIES.filter((party) => set.parties.includes(party));
      const keys =
        present.length === 1 ? [`${present[0]}|${present[0]}`] : present.flatMap((a, i) => present.slice(i + 1).map((b) => `${a}|${b}`));
      for (const key of keys) {
        counts.set(`${key}|${set.subproject_id}`, (counts.get(`${key}|${set.subproject_id}`) ?? 0) + set.n);
        counts.set(key, (counts.get(key) ?? 0) + set.n);
      }
    }
    return DEVIATION_PARTIES.flatMap((a, i) =>
      DEVIATION_PARTIES.slice(i).map((b) => ({
        parties: [a, b] as [DeviationParty, DeviationParty],
        label: pairLabel(a, b),
        count: counts.get(`${a}|${b}`) ?? 0,
        bySubproject: subprojects.map((s) => ({ subprojectId: s.id, subproject: s.name, count: counts.get(`${a}|${b}|${s.id}`) ?? 0 })),
      })),
    );
  }

  /** Zeros for delprojekt without open reports; a delprojekt outside the scope (a moved kommun's old reports) by name. */
  private overdue(rows: DeadlineRaw[], subprojects: NamedRef[], names: Map<string, string>): OverdueData[] {
    const known = new Set(subprojects.map((s) => s.id));
    const entry = (id: string, name: string): OverdueData => {
      const row = rows.find((r) => r.subproject_id === id);
      return { subprojectId: id, subproject: name, open: row?.open ?? 0, notAccepted: row?.not_accepted ?? 0, notResolved: row?.not_resolved ?? 0 };
    };
    return [
      ...subprojects.map((s) => entry(s.id, s.name)),
      ...rows.filter((r) => !known.has(r.subproject_id)).map((r) => entry(r.subproject_id, names.get(r.subproject_id) ?? 'Okänt delprojekt')),
    ];
  }

  /**
   * One statement with more working memory than the server's default: both statements hash or sort
   * every filtered report, which at 100 000 reports needs about 10 MB and would otherwise spill to disk
   * (or make the planner sort instead of hash). SET LOCAL ends with the transaction.
   */
  private queryInMemory<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '${SORT_MEMORY}'`);
      return (await manager.query(sql, params)) as T[];
    });
  }

  /** null when the barrier module's tables are not (yet) there. */
  private async barrierSchema(): Promise<BarrierSchema | null> {
    const rows = (await this.dataSource.query(BARRIER_CATALOG_SQL)) as Array<{ table_name: string; column_name: string }>;
    return barrierSchemaFrom(rows);
  }

  private async barrierSizes(schema: BarrierSchema | null, filters: DashboardFilters, now: Date): Promise<BarrierSection<BarrierSizeData>> {
    if (!schema) return { available: false, reason: 'Inga hinder ännu.' };
    // Every barrier's quarters end at the same place: today's quarter, or the filtered period's end if earlier.
    const today = stockholmDate(now);
    const currentQuarter = quarterOf(filters.to && filters.to < today ? filters.to : today);
    try {
      const query = buildBarrierSizeQuery(schema, filters);
      const rows = (await this.dataSource.query(query.sql, query.params)) as Array<{
        id: string;
        title: string;
        quarter: string | null;
        municipality_id: string | null;
        n: number;
      }>;
      const barriers = new Map<string, { title: string; quarters: Map<string, number>; municipalities: number }>();
      for (const row of rows) {
        const entry = barriers.get(row.id) ?? { title: row.title, quarters: new Map<string, number>(), municipalities: 0 };
        if (row.quarter !== null) entry.quarters.set(row.quarter, row.n);
        else entry.municipalities += 1;
        barriers.set(row.id, entry);
      }
      if (!barriers.size) return { available: false, reason: 'Inga hinder ännu.' };
      const items = [...barriers].map(([id, entry]) => {
        const trend = quarterTrend(entry.quarters, currentQuarter);
        const reports = [...entry.quarters.values()].reduce((sum, n) => sum + n, 0);
        return { id, title: entry.title, reports, municipalities: entry.municipalities, quarters: trend.quarters, trend: trend.direction };
      });
      items.sort((a, b) => b.reports - a.reports || a.title.localeCompare(b.title, 'sv'));
      return { available: true, items: items.slice(0, BARRIER_LIMIT) };
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
        note: string | null;
        reports_in_scope: number;
        day: string;
        reports_before: number;
        reports_after: number;
        days_before: number;
        days_after: number;
      }>;
      if (!rows.length) return { available: false, reason: 'Inga skickade skrivelser eller lokala åtgärder ännu.' };
      // Leads (and narrower filters) see only barriers with reports of their own: another delprojekt's barrier is not theirs.
      const inScope = rows.filter((row) => row.reports_in_scope > 0);
      if (!inScope.length) return { available: false, reason: 'Inga hinder med skickad skrivelse eller lokal åtgärd har avvikelser med de valda filtren.' };
      return {
        available: true,
        items: inScope.map((row) => {
          const monthsBefore = row.days_before / MONTH_DAYS;
          const monthsAfter = row.days_after / MONTH_DAYS;
          return {
            barrierId: row.barrier_id,
            title: row.title,
            action: row.action,
            actionLabel: row.action === 'skrivelse' ? 'Skrivelse skickad' : 'Lokal åtgärd',
            date: row.day,
            note: row.note,
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
