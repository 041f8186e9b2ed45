import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface EmbeddingsRequest {
  authorization: string | undefined;
  /** The JSON body's keys, to check that nothing but the model and the texts is sent. */
  keys: string[];
  model: string;
  input: string[];
}

/** How the server misbehaves, when it does: an error status, no answer in time, vectors of other dimensions, NaN. */
export type EmbeddingsFault = 'none' | 'http-500' | 'slow' | 'wrong-dims' | 'nan';

/**
 * A real HTTP server in the test process on 127.0.0.1 (random port) speaking the OpenAI embeddings protocol
 * (`POST /v1/embeddings {"model","input"}` → `{"data":[{"embedding","index"}]}`), as Ollama, vLLM, LocalAI
 * and text-embeddings-inference do, with the test's own "model" (text → vector). stop() and start() keep
 * the port, so a test can take the endpoint down and bring it back.
 */
export class EmbeddingsServer {
  readonly requests: EmbeddingsRequest[] = [];
  fault: EmbeddingsFault = 'none';
  private server: Server | null = null;
  private port = 0;

  private constructor(private readonly model: (text: string) => number[]) {}

  static async start(model: (text: string) => number[]): Promise<EmbeddingsServer> {
    const server = new EmbeddingsServer(model);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/embeddings`;
  }

  /** Every text received, in order. */
  get texts(): string[] {
    return this.requests.flatMap((request) => request.input);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: string[] };
    this.requests.push({ authorization: request.headers.authorization, keys: Object.keys(body).sort(), model: body.model, input: body.input });
    const send = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.method !== 'POST' || request.url !== '/v1/embeddings') return send(404, { error: 'not found' });
    if (this.fault === 'http-500') return send(500, { error: `model crashed on: ${body.input.join(' | ')}` });
    if (this.fault === 'slow') {
      // Answers, but long after the app stopped waiting.
      setTimeout(() => (response.destroyed ? undefined : send(200, { data: [] })), 20_000).unref();
      return;
    }
    const data = body.input.map((text, index) => {
      let embedding: Array<number | null> = this.model(text);
      if (this.fault === 'wrong-dims') embedding = embedding.slice(0, 3);
      // JSON has no NaN: what a broken server sends instead is null.
      if (this.fault === 'nan') embedding = embedding.map((value, k) => (k === 1 ? null : value));
      return { object: 'embedding', embedding, index };
    });
    send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 0, total_tokens: 0 } });
  }
}
