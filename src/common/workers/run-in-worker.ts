import { existsSync } from 'node:fs';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * Source-run code (jest, which transpiles on the fly) has no compiled worker file: the thread then
 * loads the .ts through swc, the same transpiler jest and `nest build` use (a dev dependency, never
 * needed by the built app).
 */
function sourceBootstrap(tsFile: string): string {
  const swc = require.resolve('@swc/core');
  return `
    const { readFileSync } = require('node:fs');
    const { transformSync } = require(${JSON.stringify(swc)});
    require.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename,
        module: { type: 'commonjs' },
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2023', transform: { legacyDecorator: true } },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(tsFile)});
  `;
}

/** A worker thread that is sent its input as messages and answers with one message (see startWorker). */
export interface WorkerSession<M, O> {
  /** Sends the thread a message (a structured clone, made here at once; the thread reads it as soon as it is free). */
  post(message: M): void;
  /** The one message the thread posts; rejects with its error, or when it ends without one. */
  readonly result: Promise<O>;
  /** Ends the thread without waiting for an answer: its input will not be completed. */
  stop(): void;
}

/**
 * Starts a worker script (`entry`: its path without extension) in a thread of its own and leaves it
 * waiting for messages, so the thread starts up, and reads what it is sent, while the caller is still
 * preparing the rest. CPU-bound work there leaves the event loop free to answer requests. The thread
 * ends with the work, so its heap is released at once.
 */
export function startWorker<M, O>(entry: string, options: Pick<WorkerOptions, 'workerData'> = {}): WorkerSession<M, O> {
  const worker = existsSync(`${entry}.js`) ? new Worker(`${entry}.js`, options) : new Worker(sourceBootstrap(`${entry}.ts`), { ...options, eval: true });
  let stopped = false;
  const result = new Promise<O>((resolve, reject) => {
    let settled = false;
    worker.once('message', (output: O) => {
      settled = true;
      resolve(output);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(stopped ? `Tråden ${entry} avbröts` : `Tråden ${entry} avslutades med kod ${code} utan resultat`));
    });
  });
  // A stopped session's result is nobody's to await: its rejection must not count as unhandled.
  result.catch(() => undefined);
  return {
    post: (message) => worker.postMessage(message),
    result,
    stop() {
      stopped = true;
      void worker.terminate();
    },
  };
}

/** Runs a worker script with `input` as its workerData and resolves with the one message it posts (see startWorker). */
export function runInWorker<I, O>(entry: string, input: I): Promise<O> {
  return startWorker<never, O>(entry, { workerData: input }).result;
}
