/**
 * An optional language model that turns texts into vectors (embeddings), e.g. an endpoint a municipality
 * runs. The pattern engine stands alone without one (NoEmbeddingsProvider); with one, reports that say the
 * same thing in different words come out close. Used as the DI token, like PatternEngine.
 */
export abstract class EmbeddingsProvider {
  /** The model's name as the endpoint knows it; vectors of different models are never mixed. */
  abstract readonly model: string;
  /** False for the default: no language model is asked and the engine reads words only. */
  readonly enabled: boolean = true;
  /** One vector per text, in the order given. Rejects (EmbeddingsError) rather than answer with fewer or odd vectors. */
  abstract embed(texts: string[]): Promise<Float32Array[]>;
}

/** The default: no language model. */
export class NoEmbeddingsProvider extends EmbeddingsProvider {
  readonly model = '';
  override readonly enabled = false;

  embed(): Promise<Float32Array[]> {
    return Promise.reject(new EmbeddingsError('no embeddings provider is configured'));
  }
}

/** A failed request or an answer that cannot be used. The message is safe to log: it never holds the texts or vectors. */
export class EmbeddingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingsError';
  }
}
