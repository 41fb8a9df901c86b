import { parentPort, workerData } from 'node:worker_threads';
import { permutations, signBatch, type MinhashParams } from './minhash.js';

/** Worker thread: signs batches of texts; the typed arrays go back without copying. */
const params = workerData as MinhashParams;
const perm = permutations(params);
parentPort?.on('message', (msg: { id: number; texts: string[] }) => {
  const r = signBatch(msg.texts, params, perm);
  parentPort?.postMessage({ id: msg.id, sigs: r.sigs, exact: r.exact }, [r.sigs.buffer as ArrayBuffer, r.exact.buffer as ArrayBuffer]);
});
