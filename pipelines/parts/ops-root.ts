import { z } from 'zod';

/** The `root` param of the seed 004 ops pipelines: a data folder laid out as seed 004 describes. */
export const opsRoot = z.string().min(1).default('data/ops').describe('the seed 004 data folder (raw_data/, processed_data/, synthetic_data/, logs/, archive/)');
