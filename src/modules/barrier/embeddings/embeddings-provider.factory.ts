import { EnvConfig } from '../../../config/env.config';
import { EmbeddingsProvider, NoEmbeddingsProvider } from './embeddings-provider';
import { HttpEmbeddingsProvider } from './http-embeddings-provider';

/** The configured language model: the HTTP endpoint when EMBEDDINGS_URL is set (the env class demands a model then), else none. */
export function embeddingsProviderFor(env: EnvConfig): EmbeddingsProvider {
  if (env.EMBEDDINGS_URL === undefined || env.EMBEDDINGS_MODEL === undefined) return new NoEmbeddingsProvider();
  return new HttpEmbeddingsProvider({
    url: env.EMBEDDINGS_URL,
    model: env.EMBEDDINGS_MODEL,
    apiKey: env.EMBEDDINGS_API_KEY,
    timeoutMs: env.EMBEDDINGS_TIMEOUT_MS,
  });
}
