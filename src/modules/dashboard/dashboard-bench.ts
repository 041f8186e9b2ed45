import { INestApplicationContext } from '@nestjs/common';
import { AuthUser } from '../../common/auth/auth-user';
import { ChartRenderer } from '../../common/charts/chart-renderer';
import { DashboardService } from './dashboard.service';
import { buildChartViews } from './dashboard-view';
import { DashboardFilterDto } from './dto/dashboard-filter.dto';

/**
 * For `npm run bench`: times the overview in-process, apart from HTTP. `data` is the SQL and the
 * deadline rule (what GET /api/dashboard does); `page` adds drawing every chart as SVG with an
 * empty chart cache, i.e. the worst case of GET /oversikt (later views of the same numbers hit the cache).
 */

export interface TimingSummary {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface DashboardBenchmark {
  reports: number;
  data: TimingSummary;
  page: TimingSummary;
}

export interface DashboardBenchmarkOptions {
  /** Timed runs of each kind after one warm-up; default 20. */
  runs?: number;
  /** Whose view; default an analyst (all kommuner). */
  user?: AuthUser;
  filters?: DashboardFilterDto;
}

const ANALYST: AuthUser = { id: '00000000-0000-4000-8000-000000000000', email: 'bench@mia.se', name: 'Bench', role: 'analyst', subprojectId: null };

function summarise(times: number[]): TimingSummary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { runs: sorted.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(sorted[sorted.length - 1]) };
}

export async function benchmarkDashboard(app: INestApplicationContext, options: DashboardBenchmarkOptions = {}): Promise<DashboardBenchmark> {
  const service = app.get(DashboardService, { strict: false });
  const user = options.user ?? ANALYST;
  const filters = options.filters ?? {};
  const runs = options.runs ?? 20;
  const policy = service.deadlinePolicy;

  const first = await service.load(user, filters);
  await new ChartRenderer().warmUp();
  const data: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await service.load(user, filters);
    data.push(performance.now() - started);
  }
  const page: number[] = [];
  for (let i = 0; i < runs; i++) {
    const charts = new ChartRenderer();
    const started = performance.now();
    const loaded = await service.load(user, filters);
    const views = buildChartViews(loaded, policy);
    await Promise.all(views.map((view) => (view.spec ? charts.render({ id: view.key, title: view.title, summary: view.summary, spec: view.spec }) : null)));
    page.push(performance.now() - started);
  }
  return { reports: first.totals.reports, data: summarise(data), page: summarise(page) };
}
