import type { BackendName, Trainer } from '../trainer.js';
import { hfTrainer } from './hf.js';
import { llamacppTrainer } from './llamacpp.js';

const TRAINERS: Record<BackendName, Trainer> = { llamacpp: llamacppTrainer, hf: hfTrainer };

export function trainerFor(name: BackendName): Trainer {
  return TRAINERS[name];
}
