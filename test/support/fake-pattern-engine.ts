import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FullRunOutcome, FullRunRequest, gatheredFullRun, IncrementalOutcome, PatternBarrier, PatternDescription, PatternEngine, PatternReport, StoredModel } from '../../src/modules/barrier/pattern-engine.port';

/** "mönster:namn" in a report's description puts it in the fake engine's group "namn". */
const MARKER = /mönster:([a-zåäö0-9-]+)/i;

function markerOf(report: PatternReport): string | null {
  return MARKER.exec(report.description)?.[1].toLowerCase() ?? null;
}

/** "förankring:N" in a report's description is its anchoring in the fake engine's barrier; 10 without. */
function anchoringOf(report: PatternReport, shift: number): number {
  const match = /förankring:(\d+(?:\.\d+)?)/i.exec(report.description);
  return (match ? Number(match[1]) : 10) + shift;
}

/**
 * A predictable stand-in for the clustering engine, for tests of what the app does around it (stable
 * ids, the analyst's hand, escalation, reruns). It groups by marker and, like the real engine, keeps the
 * key of the previous barrier that shares most reports. It does NOT honour confirmations or exclusions:
 * the app must, whatever the engine says.
 */
export class FakePatternEngine {
  readonly version = 'fake-1';
  fullRuns = 0;
  incrementalRuns = 0;
  /** Added to every member's anchoring: what a change elsewhere in the corpus does to it. */
  anchoringShift = 0;
  /** Thrown by the next run (full or incremental), then cleared: a run that fails inside the engine. */
  failNext: Error | null = null;
  /** The next full run names a member that is no report's id, then this is cleared: writing that outcome fails in the database. */
  breakNextOutcome = false;

  private failIfAsked(): void {
    const error = this.failNext;
    this.failNext = null;
    if (error) throw error;
  }

  runFull(reports: readonly PatternReport[], request: FullRunRequest): FullRunOutcome {
    this.failIfAsked();
    this.fullRuns += 1;
    const groups = new Map<string, PatternReport[]>();
    for (const report of reports) {
      const marker = markerOf(report);
      if (marker) groups.set(marker, [...(groups.get(marker) ?? []), report]);
    }
    const used = new Set<string>();
    const barriers: PatternBarrier[] = [];
    const perBarrier = new Map<string, unknown>();
    for (const [marker, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < 2) continue;
      const ids = new Set(members.map((m) => m.id));
      const best = request.previous
        .filter((p) => !used.has(p.key))
        .map((p) => ({ key: p.key, overlap: p.memberIds.filter((id) => ids.has(id)).length }))
        .filter((p) => p.overlap > 0)
        .sort((a, b) => b.overlap - a.overlap || a.key.localeCompare(b.key))[0];
      const key = best?.key ?? randomUUID();
      used.add(key);
      barriers.push({
        key,
        memberIds: members.map((m) => m.id),
        terms: [marker, 'samordning'],
        parties: ['AF', 'FK'],
        reasons: Object.fromEntries(members.map((m) => [m.id, [`nämner ${marker}`]])),
        anchoring: Object.fromEntries(members.map((m) => [m.id, anchoringOf(m, this.anchoringShift)])),
        better: {},
      });
      perBarrier.set(key, { marker });
    }
    // "bättre:<namn>" in a member's description: the fake engine suggests that group's barrier for it.
    const keyOf = new Map(barriers.map((barrier) => [barrier.terms[0], barrier.key]));
    for (const barrier of barriers) {
      for (const report of reports.filter((r) => barrier.memberIds.includes(r.id))) {
        const other = /bättre:([a-zåäö0-9-]+)/i.exec(report.description)?.[1].toLowerCase();
        const key = other === undefined ? undefined : keyOf.get(other);
        if (key !== undefined && key !== barrier.key) barrier.better[report.id] = { key, anchoring: 12 };
      }
    }
    if (this.breakNextOutcome && barriers.length > 0) {
      this.breakNextOutcome = false;
      barriers[0].memberIds.push('ingen-rapport');
    }
    return { barriers, model: { shared: { version: this.version }, perBarrier } };
  }

  /**
   * A barrier the analyst changed, described by its reports' markers as a full run would: the most common marker
   * (the first of those tied, alphabetically), then "samordning". No model: the fake places new reports by the
   * models of its full runs only.
   */
  describe(reports: readonly PatternReport[]): PatternDescription | null {
    const counts = new Map<string, number>();
    for (const report of reports) {
      const marker = markerOf(report);
      if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
    }
    const [top] = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    return top ? { terms: [top[0], 'samordning'], parties: ['AF', 'FK'], model: null } : null;
  }

  assignIncremental(reports: readonly PatternReport[], model: StoredModel): IncrementalOutcome {
    this.failIfAsked();
    this.incrementalRuns += 1;
    const byMarker = new Map<string, string>();
    for (const [key, entry] of model.perBarrier) byMarker.set((entry as { marker: string }).marker, key);
    const assignments = new Map<string, string | null>();
    const reasons: Record<string, string[]> = {};
    const anchoring: Record<string, number> = {};
    for (const report of reports) {
      const marker = markerOf(report);
      const key = marker ? (byMarker.get(marker) ?? null) : null;
      assignments.set(report.id, key);
      if (key) {
        reasons[report.id] = [`nämner ${marker} (stegvis)`];
        anchoring[report.id] = anchoringOf(report, this.anchoringShift);
      }
    }
    return { assignments, reasons, anchoring };
  }
}

/** Puts the fake in place of the app's one engine instance (as test-app does with the clock). */
export function useFakePatternEngine(app: NestFastifyApplication): FakePatternEngine {
  const fake = new FakePatternEngine();
  const engine = app.get(PatternEngine);
  Object.defineProperty(engine, 'version', { value: fake.version });
  engine.startFull = () => gatheredFullRun(async (reports, request) => fake.runFull(reports, request));
  engine.assignIncremental = (reports, model) => fake.assignIncremental(reports, model);
  engine.describe = (reports) => fake.describe(reports);
  return fake;
}
