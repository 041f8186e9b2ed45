import { EmbeddingsError } from './embeddings-provider';

/**
 * The vectors of an OpenAI-compatible embeddings answer (`{"data":[{"embedding":[...],"index":i}]}`, as
 * Ollama, vLLM, LocalAI and text-embeddings-inference serve it), in the order of the texts sent. Throws
 * EmbeddingsError for anything else: a missing or extra item, a vector of other dimensions than the rest
 * (or than `dims`, when known), a value that is not a finite number, an all-zero vector.
 */
export function parseEmbeddingsResponse(body: unknown, count: number, dims?: number): Float32Array[] {
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new EmbeddingsError('the answer has no data array');
  if (data.length !== count) throw new EmbeddingsError(`the answer has ${data.length} items for ${count} texts`);
  const out = new Array<Float32Array | undefined>(count);
  let expected = dims;
  data.forEach((item: unknown, position) => {
    const { embedding, index: given } = (typeof item === 'object' && item !== null ? item : {}) as { embedding?: unknown; index?: unknown };
    // Servers that leave out index answer in order.
    const index = given === undefined ? position : given;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) throw new EmbeddingsError(`item ${position} has no valid index`);
    if (out[index] !== undefined) throw new EmbeddingsError(`index ${index} occurs twice`);
    if (!Array.isArray(embedding) || embedding.length === 0) throw new EmbeddingsError(`item ${index} has no embedding`);
    if (expected !== undefined && embedding.length !== expected) throw new EmbeddingsError(`item ${index} has ${embedding.length} dimensions, expected ${expected}`);
    expected = embedding.length;
    const vector = new Float32Array(embedding.length);
    let zero = true;
    for (let k = 0; k < embedding.length; k++) {
      const value: unknown = embedding[k];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new EmbeddingsError(`item ${index} holds a value that is not a finite number`);
      vector[k] = value;
      if (!Number.isFinite(vector[k])) throw new EmbeddingsError(`item ${index} holds a value too large for a vector`);
      if (value !== 0) zero = false;
    }
    if (zero) throw new EmbeddingsError(`item ${index} is all zeros`);
    out[index] = vector;
  });
  return out as Float32Array[];
}
