import { EmbeddingsError, EmbeddingsProvider } from './embeddings-provider';
import { parseEmbeddingsResponse } from './embeddings-response';

export interface HttpEmbeddingsOptions {
  /** The endpoint itself, e.g. http://ollama:11434/v1/embeddings. */
  url: string;
  model: string;
  /** Sent as a bearer token; never logged. */
  apiKey?: string;
  /** Texts per request: small enough for any server's limit, large enough to keep requests few. */
  batchSize?: number;
  /** One request's limit. */
  timeoutMs?: number;
  /** Further attempts after a failed one (network error, timeout, 429, 5xx), waiting backoffMs, then twice that. */
  retries?: number;
  backoffMs?: number;
  /** All of one embed() call's requests together stop after this long (the patterns job holds its lock meanwhile). */
  budgetMs?: number;
}

const DEFAULTS = { batchSize: 64, timeoutMs: 30_000, retries: 2, backoffMs: 500, budgetMs: 10 * 60_000 };

/** Worth another try: the server or the way to it may recover; a 4xx other than 429 will not. */
function retriable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The OpenAI-compatible embeddings protocol (`POST url {"model", "input": [...]}`), as Ollama, vLLM,
 * LocalAI and Hugging Face text-embeddings-inference serve it: what a municipality would run itself.
 * Node's fetch, in batches, each with a timeout and a couple of retries with backoff.
 */
export class HttpEmbeddingsProvider extends EmbeddingsProvider {
  readonly model: string;
  private readonly settings: Required<Omit<HttpEmbeddingsOptions, 'apiKey'>> & { apiKey?: string };

  constructor(options: HttpEmbeddingsOptions) {
    super();
    this.model = options.model;
    this.settings = { ...DEFAULTS, ...stripUndefined(options), url: options.url, model: options.model };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const deadline = Date.now() + this.settings.budgetMs;
    const out: Float32Array[] = [];
    let dims: number | undefined;
    for (let start = 0; start < texts.length; start += this.settings.batchSize) {
      const batch = texts.slice(start, start + this.settings.batchSize);
      const vectors = await this.request(batch, dims, deadline);
      dims = vectors[0]?.length;
      out.push(...vectors);
    }
    return out;
  }

  private async request(batch: string[], dims: number | undefined, deadline: number): Promise<Float32Array[]> {
    const { retries, backoffMs } = this.settings;
    let failure = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(backoffMs * 2 ** (attempt - 1), Math.max(0, deadline - Date.now())));
      const left = deadline - Date.now();
      if (left <= 0) throw new EmbeddingsError(`gave up after ${this.settings.budgetMs} ms in all${failure ? ` (${failure})` : ''}`);
      const outcome = await this.attempt(batch, dims, Math.min(this.settings.timeoutMs, left));
      if (outcome.vectors) return outcome.vectors;
      failure = outcome.failure;
      if (!outcome.retry) break;
    }
    throw new EmbeddingsError(failure);
  }

  /** One request. Messages name the status or the fault, never the texts, the answer's body or the key. */
  private async attempt(batch: string[], dims: number | undefined, timeoutMs: number): Promise<{ vectors?: Float32Array[]; failure: string; retry: boolean }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.model, input: batch }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = nameOf(error);
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return { failure: timedOut ? `no answer within ${timeoutMs} ms` : `the request failed (${networkCode(error)})`, retry: true };
    }
    if (!response.ok) {
      // The body is left unread: a server may echo the texts in its error.
      await response.body?.cancel().catch(() => undefined);
      return { failure: `the endpoint answered HTTP ${response.status}`, retry: retriable(response.status) };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { failure: 'the answer is not JSON', retry: true };
    }
    try {
      return { vectors: parseEmbeddingsResponse(body, batch.length, dims), failure: '', retry: false };
    } catch (error) {
      // A model that answers nonsense will answer it again.
      return { failure: error instanceof Error ? error.message : 'the answer cannot be used', retry: false };
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Duck-typed rather than instanceof: fetch's errors may come from another realm (a worker, a test's VM context).
function nameOf(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The system error's code (ECONNREFUSED …) or the error's kind, without its message (it may hold the address). */
function networkCode(error: unknown): string {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const causeCode = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown; errors?: unknown }).code : undefined;
  if (typeof causeCode === 'string') return causeCode;
  // Node reports a host with several addresses as an AggregateError of one error per address.
  const errors = typeof cause === 'object' && cause !== null ? (cause as { errors?: unknown }).errors : undefined;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const firstCode = typeof first === 'object' && first !== null ? (first as { code?: unknown }).code : undefined;
  return typeof firstCode === 'string' ? firstCode : (nameOf(error) ?? 'unknown error');
}
