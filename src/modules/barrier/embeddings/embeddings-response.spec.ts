import { EmbeddingsError } from './embeddings-provider';
import { parseEmbeddingsResponse } from './embeddings-response';

const item = (index: number, embedding: unknown[]): { index: number; embedding: unknown[] } => ({ index, embedding });

describe('parseEmbeddingsResponse', () => {
  it('returns the vectors in the order of the texts, whatever order the items come in', () => {
    const vectors = parseEmbeddingsResponse({ data: [item(1, [0, 1]), item(0, [1, 0.5])], model: 'x', usage: {} }, 2);
    expect(vectors.map((v) => Array.from(v))).toEqual([[1, 0.5], [0, 1]]);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it('takes items without an index in the order given', () => {
    expect(parseEmbeddingsResponse({ data: [{ embedding: [1, 0] }, { embedding: [0, 1] }] }, 2).map((v) => Array.from(v))).toEqual([[1, 0], [0, 1]]);
  });

  it.each([
    ['no data', { error: 'x' }, 1, /no data array/],
    ['a missing item', { data: [item(0, [1, 0])] }, 2, /1 items for 2 texts/],
    ['an index twice', { data: [item(0, [1, 0]), item(0, [0, 1])] }, 2, /index 0 occurs twice/],
    ['an index out of range', { data: [item(5, [1, 0])] }, 1, /no valid index/],
    ['wrong dimensions', { data: [item(0, [1, 0]), item(1, [1, 0, 0])] }, 2, /item 1 has 3 dimensions, expected 2/],
    ['NaN', { data: [item(0, [1, Number.NaN])] }, 1, /not a finite number/],
    ['a string', { data: [item(0, [1, '0.5'])] }, 1, /not a finite number/],
    ['null', { data: [item(0, [1, null])] }, 1, /not a finite number/],
    ['an empty vector', { data: [item(0, [])] }, 1, /no embedding/],
    ['an all-zero vector', { data: [item(0, [0, 0])] }, 1, /all zeros/],
    ['a value beyond float32', { data: [item(0, [1, 1e300])] }, 1, /too large/],
  ])('rejects %s', (_name, body, count, message) => {
    expect(() => parseEmbeddingsResponse(body, count)).toThrow(EmbeddingsError);
    expect(() => parseEmbeddingsResponse(body, count)).toThrow(message);
  });

  it('holds vectors to the dimensions already known for the model', () => {
    expect(() => parseEmbeddingsResponse({ data: [item(0, [1, 0])] }, 1, 3)).toThrow(/2 dimensions, expected 3/);
  });

  it('never puts the vectors into its messages', () => {
    try {
      parseEmbeddingsResponse({ data: [item(0, [0.123456, 0.654321]), item(1, [0.111111])] }, 2);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/0\.12|0\.65|0\.11/);
    }
  });
});
