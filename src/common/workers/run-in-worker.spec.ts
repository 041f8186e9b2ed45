import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { runInWorker, startWorker } from './run-in-worker';

const ECHO = join(__dirname, '..', '..', '..', 'test', 'support', 'workers', 'echo.worker');
const COLLECT = join(__dirname, '..', '..', '..', 'test', 'support', 'workers', 'collect.worker');

interface Echo {
  echoed: Map<string, number[]>;
  threadId: number;
}

describe('runInWorker', () => {
  it('runs the script in another thread and resolves with its message, structured data intact', async () => {
    const value = new Map([['a', [1, 2]], ['b', []]]);
    const output = await runInWorker<{ value: Map<string, number[]> }, Echo>(ECHO, { value });
    expect(output.threadId).not.toBe(threadId);
    // A Map still (of the outer realm: jest runs the spec in a vm context of its own).
    expect(Object.prototype.toString.call(output.echoed)).toBe('[object Map]');
    expect([...output.echoed]).toEqual([['a', [1, 2]], ['b', []]]);
  });

  it('rejects with the error thrown in the thread', async () => {
    await expect(runInWorker(ECHO, { value: new Map(), fail: 'throw' })).rejects.toThrow('avsiktligt fel i tråden');
  });

  it('rejects when the thread ends without an answer', async () => {
    await expect(runInWorker(ECHO, { value: new Map(), fail: 'exit' })).rejects.toThrow(/avslutades med kod 3 utan resultat/);
  });
});

type CollectMessage = { numbers: number[] } | { done: true } | { fail: true };

interface Collected {
  sum: number;
  count: number;
  threadId: number;
}

describe('startWorker', () => {
  it('sends the thread its input in messages and resolves with its answer', async () => {
    const worker = startWorker<CollectMessage, Collected>(COLLECT);
    worker.post({ numbers: [1, 2, 3] });
    worker.post({ numbers: [] });
    worker.post({ numbers: [10] });
    worker.post({ done: true });
    const output = await worker.result;
    expect(output).toEqual({ sum: 16, count: 4, threadId: output.threadId });
    expect(output.threadId).not.toBe(threadId);
  });

  it('rejects with the error thrown in the thread', async () => {
    const worker = startWorker<CollectMessage, Collected>(COLLECT);
    worker.post({ fail: true });
    await expect(worker.result).rejects.toThrow('avsiktligt fel i tråden');
  });

  it('ends a thread that is stopped before its input is complete, and says so to anyone awaiting it', async () => {
    const worker = startWorker<CollectMessage, Collected>(COLLECT);
    worker.post({ numbers: [1] });
    worker.stop();
    await expect(worker.result).rejects.toThrow(/avbröts/);
  });
});
