import { METADATA_KEYS } from '../models/quantize.js';
import { plainValue, readGguf } from '../../native/gguf-writer.js';

/**
 * Names of llama.cpp's `enum llama_ftype` (include/llama.h), for any GGUF a user brings (the base
 * model is Q4_1), where models/quant-types.ts lists only the types Forgeline writes.
 */
const FTYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L',
  14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS',
  23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16',
};

/** A GGUF's quantization: the quantize step's stamp, else `general.file_type`, else `unknown`. */
export async function ggufType(file: string): Promise<string> {
  const meta = (await readGguf(file)).metadata;
  const stamped = plainValue(meta.get(METADATA_KEYS.quantization));
  if (typeof stamped === 'string' && stamped) return stamped;
  const ftype = plainValue(meta.get('general.file_type'));
  if (typeof ftype === 'number') return FTYPE_NAMES[ftype] ?? `ftype ${ftype}`;
  return 'unknown';
}
