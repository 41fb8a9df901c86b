import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { CPU_QUEUE } from '../core/workflow-safe/queues.js';
import { runWorkers } from './start-workers.js';

/** Worker process entry point: `node dist/workers/main.js [--queues forgeline,gpu-cuda]`. */
const { values } = parseArgs({ options: { queues: { type: 'string' } } });
const queues = values.queues ? values.queues.split(',').map((q) => q.trim()).filter(Boolean) : [CPU_QUEUE];
await runWorkers(loadConfig(), { queues, onReady: () => process.send?.({ type: 'ready' }) });
