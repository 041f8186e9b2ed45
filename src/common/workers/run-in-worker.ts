import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

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

/**
 * Runs a worker script (`entry`: its path without extension) in a thread of its own with `input` as
 * its workerData, and resolves with the one message it posts. CPU-bound work there leaves the event
 * loop free to answer requests. The thread ends with the work, so its heap is released at once.
 */
export function runInWorker<I, O>(entry: string, input: I): Promise<O> {
  const worker = existsSync(`${entry}.js`)
    ? new Worker(`${entry}.js`, { workerData: input })
    : new Worker(sourceBootstrap(`${entry}.ts`), { eval: true, workerData: input });
  return new Promise<O>((resolve, reject) => {
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
      if (!settled) reject(new Error(`Tråden ${entry} avslutades med kod ${code} utan resultat`));
    });
  });
}
