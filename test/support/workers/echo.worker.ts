import { parentPort, threadId, workerData } from 'node:worker_threads';

/** For run-in-worker.spec.ts: echoes its input, or fails the way it is told to. */
interface EchoInput {
  value: Map<string, number[]>;
  fail?: 'throw' | 'exit';
}

const input = workerData as EchoInput;
if (input.fail === 'throw') throw new Error('avsiktligt fel i tråden');
if (input.fail === 'exit') process.exit(3);
parentPort?.postMessage({ echoed: input.value, threadId });
