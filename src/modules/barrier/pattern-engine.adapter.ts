import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ClusteringScores, FullRunOutcome, FullRunRequest, GeneratorPlace, IncrementalOutcome, PatternEngine, PatternReport, StoredModel } from './pattern-engine.port';

/**
 * TEMPORARY until the engine lands in ./engine/: every call says the engine is missing.
 * Replaced by the adapter over ./engine/barrier-engine.
 */
@Injectable()
export class EnginePatternEngine extends PatternEngine {
  readonly version = 'saknas';

  private missing(): never {
    throw new DomainError('pattern_engine_missing', 'Mönstermotorn är inte installerad ännu. Försök igen senare.', 503);
  }

  runFull(_reports: readonly PatternReport[], _request: FullRunRequest): FullRunOutcome {
    return this.missing();
  }

  assignIncremental(_reports: readonly PatternReport[], _model: StoredModel, _thesaurusLines: readonly string[]): IncrementalOutcome {
    return this.missing();
  }

  score(_truth: ReadonlyArray<string | null>, _predicted: ReadonlyArray<string | null>): ClusteringScores {
    return this.missing();
  }

  generateReports(_count: number, _seed: number, _places: readonly GeneratorPlace[]): PatternReport[] {
    return this.missing();
  }
}
