import { parentPort, workerData } from 'node:worker_threads';
import { FullRunInput, fullRunOutcome } from './full-run';

// The engine's full run in a thread of its own (see runInWorker): the input arrives as workerData, the
// outcome leaves as the one message, and an error leaves through the worker's 'error' event.
parentPort?.postMessage(fullRunOutcome(workerData as FullRunInput));
