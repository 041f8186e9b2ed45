import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { EmbeddingsError } from './embeddings-provider';
import { HttpEmbeddingsProvider } from './http-embeddings-provider';

/** A throwaway OpenAI-style endpoint: `answer` decides each request's status (the vector of a text is [its length, 1]). */
async function endpoint(answer: (requestNumber: number) => number): Promise<{ url: string; seen: Array<{ input: string[]; auth?: string }>; close(): Promise<void> }> {
  const seen: Array<{ input: string[]; auth?: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { input } = JSON.parse(Buffer.concat(chunks).toString()) as { input: string[] };
      seen.push({ input, auth: request.headers.authorization });
      const status = answer(seen.length);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status === 200 ? { data: input.map((text, index) => ({ index, embedding: [text.length, 1] })).reverse() } : { error: input.join() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/embeddings`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('HttpEmbeddingsProvider', () => {
  it('sends the texts in batches, with the key as a bearer, and returns the vectors in the texts’ order', async () => {
    const server = await endpoint(() => 200);
    try {
      const provider = new HttpEmbeddingsProvider({ url: server.url, model: 'm', apiKey: 'nyckel', batchSize: 64 });
      const texts = Array.from({ length: 150 }, (_, i) => 'x'.repeat(i + 1));
      const vectors = await provider.embed(texts);
      expect(server.seen.map((request) => request.input.length)).toEqual([64, 64, 22]);
      expect(server.seen.every((request) => request.auth === 'Bearer nyckel')).toBe(true);
      expect(vectors.map((vector) => vector[0])).toEqual(texts.map((text) => text.length));
    } finally {
      await server.close();
    }
  });

  it('tries again after a server error, and sends no authorization without a key', async () => {
    const server = await endpoint((n) => (n === 1 ? 503 : 200));
    try {
      const vectors = await new HttpEmbeddingsProvider({ url: server.url, model: 'm', backoffMs: 5 }).embed(['a', 'bb']);
      expect(vectors.map((vector) => vector[0])).toEqual([1, 2]);
      expect(server.seen).toHaveLength(2);
      expect(server.seen[0].auth).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('gives up after the retries, and at once on a client error, naming the status but not the texts', async () => {
    const failing = await endpoint(() => 500);
    const refusing = await endpoint(() => 400);
    try {
      const error = await new HttpEmbeddingsProvider({ url: failing.url, model: 'm', backoffMs: 5, retries: 2 }).embed(['hemlig text']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddingsError);
      expect((error as Error).message).toBe('the endpoint answered HTTP 500');
      expect(failing.seen).toHaveLength(3);
      await expect(new HttpEmbeddingsProvider({ url: refusing.url, model: 'm', backoffMs: 5 }).embed(['hemlig text'])).rejects.toThrow('HTTP 400');
      expect(refusing.seen).toHaveLength(1);
    } finally {
      await failing.close();
      await refusing.close();
    }
  });

  it('names a refused connection by its code', async () => {
    const gone = await endpoint(() => 200);
    await gone.close();
    await expect(new HttpEmbeddingsProvider({ url: gone.url, model: 'm', backoffMs: 5, retries: 1 }).embed(['a'])).rejects.toThrow(/request failed \(ECONNREFUSED\)/);
  });
});
