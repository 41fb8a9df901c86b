import { parentPort, workerData } from 'node:worker_threads';
import { permutations, signBatch, type MinhashParams } from './minhash.js';

/** Worker thread: signs batches of texts; the typed arrays go back without copying. */
const { params, withShingles } = workerData as { params: MinhashParams; withShingles: boolean };
const perm = permutations(params);
parentPort?.on('message', (msg: { id: number; texts: string[] }) => {
  const r = signBatch(msg.texts, params, perm, withShingles);
  const buffers = [r.sigs, r.exact, r.shingles, r.offsets].filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer);
  parentPort?.postMessage({ id: msg.id, ...r }, buffers);
});
