/**
 * llama.cpp's file types (`enum llama_ftype` in include/llama.h) for the quantizations Forgeline
 * exports. Kept apart from llama-ffi.ts so that step code can name them without loading koffi
 * bindings, which only child processes may load (koffi's type names are process-global).
 */
export const LLAMA_FTYPE = { F32: 0, F16: 1, Q8_0: 7, Q4_K_M: 15, Q5_K_M: 17, Q6_K: 18 } as const;
export type QuantType = Exclude<keyof typeof LLAMA_FTYPE, 'F32'>;
export const QUANT_TYPES = ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16'] as const satisfies readonly QuantType[];
