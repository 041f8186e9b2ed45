import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { runInWorker } from './run-in-worker';

const ECHO = join(__dirname, '..', '..', '..', 'test', 'support', 'workers', 'echo.worker');

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
