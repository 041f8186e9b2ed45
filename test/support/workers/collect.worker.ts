import { parentPort, threadId } from 'node:worker_threads';

/** For run-in-worker.spec.ts: adds up the numbers it is sent until told it has them all, or fails when told to. */
type CollectMessage = { numbers: number[] } | { done: true } | { fail: true };

let sum = 0;
let count = 0;
parentPort?.on('message', (message: CollectMessage) => {
  if ('numbers' in message) {
    for (const n of message.numbers) sum += n;
    count += message.numbers.length;
    return;
  }
  if ('fail' in message) throw new Error('avsiktligt fel i tråden');
  parentPort?.postMessage({ sum, count, threadId });
  parentPort?.close();
});
