import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deserialize } from 'node:v8';
import { Injectable } from '@nestjs/common';
import { startWorker } from '../../common/workers/run-in-worker';
import { describeBarrier, isSharedModel } from './engine/barrier-description';
import { assignIncremental } from './engine/barrier-engine';
import { BarrierModelEntry, ENGINE_VERSION, joinModel, SharedModel } from './engine/barrier-model';
import { scoreClustering } from './engine/clustering-metrics';
import { combineThesaurus, loadDefaultThesaurus } from './engine/default-thesaurus';
import { generateReports } from './engine/report-generator';
import { FullRunMessage, PackedOutcome, unpackOutcome } from './full-run';
import { ClusteringScores, FullRunSession, GeneratorPlace, IncrementalOutcome, PatternDescription, PatternEngine, PatternReport, StoredModel } from './pattern-engine.port';

/** The default thesaurus beside the compiled engine, or in src/ when a build did not copy it. */
export function defaultThesaurusPath(): string {
  const candidates = [join(__dirname, 'engine', 'thesaurus.sv.txt'), resolve(process.cwd(), 'src', 'modules', 'barrier', 'engine', 'thesaurus.sv.txt')];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

/** The engine's version joined with a digest of the default thesaurus text. */
export function engineVersion(defaultThesaurus: string): string {
  return `${ENGINE_VERSION}+${createHash('sha256').update(defaultThesaurus).digest('hex').slice(0, 16)}`;
}

/** The app's side of the clustering engine (./engine/); a full run's shape is in full-run.ts. */
@Injectable()
export class EnginePatternEngine extends PatternEngine {
  private defaultThesaurus: string | null = null;
  private versionWithThesaurus: string | null = null;

  /** The engine's version and the default thesaurus it ships with: a new thesaurus file after an upgrade also calls for a full run. */
  get version(): string {
    this.versionWithThesaurus ??= engineVersion(this.loadDefault());
    return this.versionWithThesaurus;
  }

  /**
   * In a worker thread: a full run takes seconds at scale (about 5 s at 100 000 reports), and on the
   * event loop it would hold every user's request for that long. The thread starts at once and copies
   * each batch in as it is added, so its start and the copying overlap the reading of the reports. Its
   * outcome comes back packed (packOutcome) and is unpacked when the caller asks for it.
   */
  startFull(): FullRunSession {
    const worker = startWorker<FullRunMessage, Uint8Array>(join(__dirname, 'full-run.worker'));
    return {
      add: (reports) => worker.post({ reports }),
      finish: async (request) => {
        try {
          worker.post({
            run: {
              thesaurus: this.thesaurusText(request.thesaurusLines),
              confirmed: request.confirmed,
              excluded: request.excluded,
              previous: request.previous,
              meaningWeight: request.meaningWeight,
              meaningKeys: request.meaningKeys,
            },
          });
        } catch (error) {
          // The thread would otherwise wait for its input for ever.
          worker.stop();
          throw error;
        }
        const packed = await worker.result;
        return { outcome: () => unpackOutcome(deserialize(packed) as PackedOutcome) };
      },
      abandon: () => worker.stop(),
    };
  }

  assignIncremental(reports: readonly PatternReport[], stored: StoredModel, thesaurusLines: readonly string[]): IncrementalOutcome {
    // Stored entries are keyed by barrier id; the id is the key the placement answers with.
    const perBarrier = new Map<string, BarrierModelEntry>();
    for (const [id, entry] of stored.perBarrier) perBarrier.set(id, { ...(entry as BarrierModelEntry), key: id });
    return assignIncremental(reports, joinModel(stored.shared as SharedModel, perBarrier), { thesaurus: this.thesaurusText(thesaurusLines) });
  }

  describe(reports: readonly PatternReport[], shared: unknown, thesaurusLines: readonly string[], barrier: { id: string; confirmed: boolean }): PatternDescription | null {
    if (!isSharedModel(shared) || reports.length === 0) return null;
    return describeBarrier(reports, shared, this.thesaurusText(thesaurusLines), barrier.id, barrier.confirmed);
  }

  score(truth: ReadonlyArray<string | null>, predicted: ReadonlyArray<string | null>): ClusteringScores {
    return scoreClustering(truth, predicted);
  }

  generateReports(templates: readonly PatternReport[], count: number, seed: number, places: readonly GeneratorPlace[]): PatternReport[] {
    return generateReports(templates, { count, seed, places, from: '2017-01-01', to: '2022-12-31' }).map((generated) => generated.report);
  }

  private loadDefault(): string {
    this.defaultThesaurus ??= loadDefaultThesaurus(defaultThesaurusPath());
    return this.defaultThesaurus;
  }

  private thesaurusText(lines: readonly string[]): string {
    return combineThesaurus(this.loadDefault(), lines);
  }
}
