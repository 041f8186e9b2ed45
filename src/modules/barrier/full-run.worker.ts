import { serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { FullRunMessage, fullRunOutcome, packOutcome } from './full-run';
import type { PatternReport } from './pattern-engine.port';

// The engine's full run in a thread of its own (see startWorker): the reports arrive in batches while the
// app is still reading them, then the rest of the input, which starts the run. The outcome leaves as the
// one message, and an error leaves through the worker's 'error' event.
const reports: PatternReport[] = [];
parentPort?.on('message', (message: FullRunMessage) => {
  if ('reports' in message) {
    for (const report of message.reports) reports.push(report);
    return;
  }
  // Packed, and as bytes handed over rather than copied: the app unpacks them when it is ready to (FinishedFullRun).
  const packed = serialize(packOutcome(fullRunOutcome({ ...message.run, reports })));
  parentPort?.postMessage(packed, packed.byteLength === packed.buffer.byteLength ? [packed.buffer] : []);
  // Nothing more will come: the thread ends.
  parentPort?.close();
});
