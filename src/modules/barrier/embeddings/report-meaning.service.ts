import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { maskPii } from '../../../common/pii/pii-detector';
import { EmbeddingsError, EmbeddingsProvider } from './embeddings-provider';
import { meaningKeys, meaningSpaceVersion, meanProjection, projectVector } from './meaning-keys';

/** What a report's meaning is read from: its stored free text, nothing else. */
export interface MeaningSource {
  id: string;
  title: string;
  description: string;
  consequence: string | null;
}

/** The meaning space a stored model's keys were made in (barrier_engine_state.meaning_space). */
export interface StoredMeaningSpace {
  model: string;
  version: string;
  /** The vectors' dimensions: new reports' vectors must have as many. */
  dims: number;
  /** The corpus' mean projection at the full run, which every report's projection is centred on. */
  mean: number[];
}

export type MeaningOutcome =
  /** No language model is configured: words only, as always. */
  | { status: 'off' }
  /** Keys for every report given; `embedded`: how many had to be sent to the endpoint (the rest came from the cache). */
  | { status: 'used'; keys: Map<string, string[]>; space: StoredMeaningSpace; embedded: number }
  /** The endpoint failed or answered something unusable: this run reads words only. `reason` is safe to log. */
  | { status: 'unavailable'; reason: string };

/** The probe's text: the field's words, about no one. */
export const PROBE_TEXT = 'Deltagaren hamnade mellan Försäkringskassan och Arbetsförmedlingen.';

// Texts per call to the provider (which batches further): each chunk's vectors are stored before the next
// is sent, so a failure halfway keeps what was done for the next run.
const CHUNK = 512;
// Cache rows written per statement.
const WRITE_CHUNK = 1_000;
// No new chunk is sent after this long: the patterns job holds its lock meanwhile.
const RUN_BUDGET_MS = 10 * 60_000;

/** The text sent for a report: title, description and consequence, with the app's masking of personal data over each. */
export function meaningText(source: MeaningSource): string {
  return [source.title, source.description, source.consequence ?? '']
    .filter((part) => part.trim() !== '')
    .map((part) => maskPii(part).text)
    .join('\n\n');
}

/** Changes when the stored text does; hashed before masking, so an unchanged report is not masked again on every run. */
export function sourceHash(source: MeaningSource): string {
  return createHash('sha256')
    .update([source.title, source.description, source.consequence ?? ''].join('\u0000'))
    .digest('hex');
}

function toBytes(values: Float32Array): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  for (let k = 0; k < values.length; k++) buffer.writeFloatLE(values[k], k * 4);
  return buffer;
}

function fromBytes(buffer: Buffer): Float32Array {
  const out = new Float32Array(buffer.length / 4);
  for (let k = 0; k < out.length; k++) out[k] = buffer.readFloatLE(k * 4);
  return out;
}

/**
 * Reports' meaning keys for the pattern engine from the optional language model (EmbeddingsProvider):
 * vectors cached in deviation_embedding per model and text, projected and centred into keys
 * (meaning-keys.ts). Never throws for the endpoint's sake: a failure is an 'unavailable' outcome.
 */
@Injectable()
export class ReportMeaningService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly provider: EmbeddingsProvider,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.provider.enabled;
  }

  /** Whether a stored model's meaning keys were made the way this instance would make them (both none counts). */
  matches(stored: unknown): boolean {
    if (!this.enabled) return stored === null || stored === undefined;
    const space = stored as Partial<StoredMeaningSpace> | null | undefined;
    return space?.model === this.provider.model && space.version === meaningSpaceVersion() && typeof space.dims === 'number' && Array.isArray(space.mean);
  }

  /**
   * Whether the endpoint answers now, with one vector for a fixed text that is about no one (no report's text
   * is sent): a run that would otherwise be a full one only to fail the same way asks this first.
   */
  async probe(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (!this.enabled) return { ok: false, reason: 'no embeddings provider is configured' };
    try {
      const vectors = await this.provider.embed([PROBE_TEXT]);
      return vectors.length === 1 ? { ok: true } : { ok: false, reason: `${vectors.length} vectors came back for 1 text` };
    } catch (error) {
      if (error instanceof EmbeddingsError) return { ok: false, reason: error.message };
      throw error;
    }
  }

  /** A full run: every report's vector, the corpus mean from them, and each report's keys centred on it. */
  async forFullRun(sources: readonly MeaningSource[]): Promise<MeaningOutcome> {
    if (!this.enabled) return { status: 'off' };
    try {
      const { projections, embedded, dims } = await this.projections(sources);
      const mean = meanProjection(projections.values());
      return { status: 'used', keys: this.keysOf(projections, mean), space: { model: this.provider.model, version: meaningSpaceVersion(), dims, mean }, embedded };
    } catch (error) {
      if (error instanceof EmbeddingsError) return { status: 'unavailable', reason: error.message };
      throw error;
    }
  }

  /** An incremental run: the new reports' keys, centred on the mean of the last full run. */
  async forIncremental(sources: readonly MeaningSource[], stored: StoredMeaningSpace): Promise<MeaningOutcome> {
    if (!this.enabled) return { status: 'off' };
    try {
      const { projections, embedded } = await this.projections(sources, stored.dims);
      return { status: 'used', keys: this.keysOf(projections, stored.mean), space: stored, embedded };
    } catch (error) {
      if (error instanceof EmbeddingsError) return { status: 'unavailable', reason: error.message };
      throw error;
    }
  }

  private keysOf(projections: ReadonlyMap<string, Float32Array>, mean: readonly number[]): Map<string, string[]> {
    const keys = new Map<string, string[]>();
    for (const [id, projection] of projections) keys.set(id, meaningKeys(projection, mean));
    return keys;
  }

  /**
   * Every report's projection: from the cache when its text and the model are unchanged, else embedded
   * now (and stored). Throws EmbeddingsError when any report is left without one: a run uses the language
   * model for all reports or for none, so no report is judged on other terms than the rest.
   */
  private async projections(
    sources: readonly MeaningSource[],
    /** An incremental run's: the full run's dimensions (and only these reports' cache is read). */
    expectedDims?: number,
  ): Promise<{ projections: Map<string, Float32Array>; embedded: number; dims: number }> {
    const onlyThese = expectedDims !== undefined;
    const model = this.provider.model;
    const version = meaningSpaceVersion();
    const wanted = new Map(sources.map((source) => [source.id, source]));
    // A full run reads the model's whole cache (cheaper than 100 000 ids as a parameter); an incremental one only its reports.
    const rows = (await this.dataSource.query(
      `SELECT deviation_id, dims, text_hash,
              CASE WHEN projection_version = $2 THEN projection END AS projection,
              CASE WHEN projection_version <> $2 THEN vector END AS vector
         FROM deviation_embedding WHERE model = $1 ${onlyThese ? 'AND deviation_id = ANY($3::uuid[])' : ''}`,
      onlyThese ? [model, version, [...wanted.keys()]] : [model, version],
    )) as Array<{ deviation_id: string; dims: number; text_hash: string; projection: Buffer | null; vector: Buffer | null }>;
    const projections = new Map<string, Float32Array>();
    let dims: number | undefined = expectedDims;
    const reprojected: Array<{ id: string; hash: string; vector: Float32Array; projection: Float32Array }> = [];
    for (const row of rows) {
      const source = wanted.get(row.deviation_id);
      if (source === undefined || row.text_hash !== sourceHash(source)) continue;
      if (dims !== undefined && row.dims !== dims) throw new EmbeddingsError(`the cache holds vectors of ${row.dims} dimensions where ${dims} were expected for this model`);
      dims = row.dims;
      if (row.projection !== null) {
        projections.set(row.deviation_id, fromBytes(row.projection));
      } else if (row.vector !== null) {
        const vector = fromBytes(row.vector);
        const projection = projectVector(vector);
        projections.set(row.deviation_id, projection);
        reprojected.push({ id: row.deviation_id, hash: row.text_hash, vector, projection });
      }
    }
    await this.store(reprojected, dims ?? 0);
    const missing = sources.filter((source) => !projections.has(source.id));
    const started = Date.now();
    for (let start = 0; start < missing.length; start += CHUNK) {
      if (Date.now() - started > RUN_BUDGET_MS) throw new EmbeddingsError(`gave up after ${RUN_BUDGET_MS} ms with ${missing.length - start} reports left`);
      const chunk = missing.slice(start, start + CHUNK);
      const vectors = await this.provider.embed(chunk.map(meaningText));
      if (vectors.length !== chunk.length) throw new EmbeddingsError(`${vectors.length} vectors came back for ${chunk.length} texts`);
      const fresh = chunk.map((source, k) => {
        const vector = vectors[k];
        if (dims !== undefined && vector.length !== dims) throw new EmbeddingsError(`the endpoint answered ${vector.length} dimensions where ${dims} were expected for this model`);
        dims = vector.length;
        const projection = projectVector(vector);
        projections.set(source.id, projection);
        return { id: source.id, hash: sourceHash(source), vector, projection };
      });
      await this.store(fresh, dims ?? 0);
    }
    return { projections, embedded: missing.length, dims: dims ?? 0 };
  }

  private async store(rows: ReadonlyArray<{ id: string; hash: string; vector: Float32Array; projection: Float32Array }>, dims: number): Promise<void> {
    const now = this.clock.now();
    for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
      const chunk = rows.slice(start, start + WRITE_CHUNK);
      await this.dataSource.query(
        `INSERT INTO deviation_embedding (deviation_id, model, dims, vector, projection, projection_version, text_hash, created_at, updated_at)
         SELECT x.id, $1, $2, x.vector, x.projection, $3, x.hash, $7, $7
           FROM unnest($4::uuid[], $5::bytea[], $6::bytea[], $8::text[]) AS x(id, vector, projection, hash)
         ON CONFLICT (model, deviation_id) DO UPDATE
           SET dims = EXCLUDED.dims, vector = EXCLUDED.vector, projection = EXCLUDED.projection,
               projection_version = EXCLUDED.projection_version, text_hash = EXCLUDED.text_hash, updated_at = EXCLUDED.updated_at`,
        [
          this.provider.model,
          dims,
          meaningSpaceVersion(),
          chunk.map((row) => row.id),
          chunk.map((row) => toBytes(row.vector)),
          chunk.map((row) => toBytes(row.projection)),
          now,
          chunk.map((row) => row.hash),
        ],
      );
    }
  }
}
