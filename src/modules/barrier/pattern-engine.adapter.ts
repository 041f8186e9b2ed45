import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import type * as EngineApi from './engine/barrier-engine';
import type * as ModelApi from './engine/barrier-model';
import type * as MetricsApi from './engine/clustering-metrics';
import type * as ThesaurusApi from './engine/default-thesaurus';
import type { BarrierModelEntry, SharedModel } from './engine/barrier-model';
import type * as GeneratorApi from './engine/report-generator';
import { ClusteringScores, FullRunOutcome, FullRunRequest, GeneratorPlace, IncrementalOutcome, PatternEngine, PatternReport, StoredModel } from './pattern-engine.port';

interface Engine {
  engine: typeof EngineApi;
  model: typeof ModelApi;
  metrics: typeof MetricsApi;
  thesaurus: typeof ThesaurusApi;
  generator: typeof GeneratorApi;
}

/** The default thesaurus beside the compiled engine, or in src/ when the build did not copy it. */
function defaultThesaurusPath(): string {
  const candidates = [join(__dirname, 'engine', 'thesaurus.sv.txt'), resolve(process.cwd(), 'src', 'modules', 'barrier', 'engine', 'thesaurus.sv.txt')];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

/**
 * The app's side of the clustering engine (./engine/). The engine is loaded on first use, not at boot:
 * should its language package be missing, the app still starts and only the pattern run says so.
 * Engine keys are our barrier ids: previous barriers go in under their ids and new ones get randomUUID.
 */
@Injectable()
export class EnginePatternEngine extends PatternEngine {
  private loaded: Engine | null = null;
  private defaultThesaurus: string | null = null;

  get version(): string {
    return this.load().model.ENGINE_VERSION;
  }

  runFull(reports: readonly PatternReport[], request: FullRunRequest): FullRunOutcome {
    const { engine, model } = this.load();
    const result = engine.runFull(reports, {
      thesaurus: this.thesaurusText(request.thesaurusLines),
      confirmed: request.confirmed,
      excluded: request.excluded,
      previous: request.previous,
      newId: randomUUID,
    });
    const { shared, perBarrier } = model.splitModel(result.model);
    return {
      barriers: result.barriers.map((barrier) => ({
        key: barrier.key,
        memberIds: barrier.memberIds,
        terms: barrier.terms.map((term) => term.term),
        parties: barrier.parties,
        reasons: barrier.reasons,
      })),
      model: { shared, perBarrier },
    };
  }

  assignIncremental(reports: readonly PatternReport[], stored: StoredModel, thesaurusLines: readonly string[]): IncrementalOutcome {
    const { engine, model } = this.load();
    // Stored entries are keyed by barrier id; the id is the key the placement answers with.
    const perBarrier = new Map<string, BarrierModelEntry>();
    for (const [id, entry] of stored.perBarrier) perBarrier.set(id, { ...(entry as BarrierModelEntry), key: id });
    return engine.assignIncremental(reports, model.joinModel(stored.shared as SharedModel, perBarrier), {
      thesaurus: this.thesaurusText(thesaurusLines),
    });
  }

  score(truth: ReadonlyArray<string | null>, predicted: ReadonlyArray<string | null>): ClusteringScores {
    return this.load().metrics.scoreClustering(truth, predicted);
  }

  generateReports(templates: readonly PatternReport[], count: number, seed: number, places: readonly GeneratorPlace[]): PatternReport[] {
    return this.load()
      .generator.generateReports(templates, { count, seed, places, from: '2017-01-01', to: '2022-12-31' })
      .map((generated) => generated.report);
  }

  private thesaurusText(lines: readonly string[]): string {
    const { thesaurus } = this.load();
    this.defaultThesaurus ??= thesaurus.loadDefaultThesaurus(defaultThesaurusPath());
    return thesaurus.combineThesaurus(this.defaultThesaurus, lines);
  }

  private load(): Engine {
    if (this.loaded) return this.loaded;
    try {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose, see the class comment */
      this.loaded = {
        engine: require('./engine/barrier-engine') as typeof EngineApi,
        model: require('./engine/barrier-model') as typeof ModelApi,
        metrics: require('./engine/clustering-metrics') as typeof MetricsApi,
        thesaurus: require('./engine/default-thesaurus') as typeof ThesaurusApi,
        generator: require('./engine/report-generator') as typeof GeneratorApi,
      };
      /* eslint-enable @typescript-eslint/no-require-imports */
    } catch (error) {
      throw new DomainError('pattern_engine_unavailable', `Mönstermotorn kunde inte laddas: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, 503);
    }
    return this.loaded;
  }
}
