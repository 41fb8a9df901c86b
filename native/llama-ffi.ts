import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import koffi from 'koffi';
import { PipelineError } from '../core/errors.js';
import type { GpuFamily } from '../core/workflow-safe/queues.js';

/**
 * koffi bindings to the llama.cpp libraries that node-llama-cpp ships prebuilt
 * (`@node-llama-cpp/<platform>/bins/<platform>/`). Only child processes load this module: a ggml
 * assert aborts the process. Struct layouts follow `include/llama.h` and `ggml/include/ggml-opt.h`
 * of the bundled source (node-llama-cpp 3.22.1, llama.cpp release v0.5.0) field by field.
 */

/** Where the prebuilt libraries are: `FORGELINE_LLAMA_LIB_DIR`, else the platform package (`gpu`'s build first, as the job says). */
export function llamaLibDir(gpu: GpuFamily | undefined): string {
  if (process.env.FORGELINE_LLAMA_LIB_DIR) return process.env.FORGELINE_LLAMA_LIB_DIR;
  const require = createRequire(import.meta.url);
  const base = `${process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const candidates = gpu ? [`${base}-${gpu}`, base] : [base];
  for (const name of candidates) {
    try {
      // The package exports only its entry (`dist/index.js`): its folder is two levels up.
      const pkg = path.dirname(path.dirname(require.resolve(`@node-llama-cpp/${name}`)));
      const dir = path.join(pkg, 'bins', name);
      if (fs.existsSync(dir)) return dir;
    } catch {
      // not installed for this platform: try the next one
    }
  }
  throw new PipelineError('DEPENDENCY_MISSING', `no prebuilt llama.cpp libraries for ${candidates.join(' or ')} under @node-llama-cpp/*; set FORGELINE_LLAMA_LIB_DIR`);
}

/**
 * A library by stem in a prebuilt folder. The CPU package names them `libllama.v0.5.0.so`; the GPU
 * packages add the build's tag (`libllama.cuda.v0.5.0.so`, `.vulkan.`, `.metal.`); a plain llama.cpp
 * build names them `libllama.so`.
 */
function findLib(dir: string, stem: string): string {
  const re = new RegExp(`^(lib)?${stem}(\\.(cuda|vulkan|metal))?(\\.v[\\d.]+)?\\.(so|dylib|dll)$`);
  const hit = fs.readdirSync(dir).find((f) => re.test(f));
  if (!hit) throw new PipelineError('DEPENDENCY_MISSING', `${stem} library not found in ${dir}`);
  return path.join(dir, hit);
}

import { LLAMA_FTYPE, QUANT_TYPES, type QuantType } from './quant-types.js';
export { LLAMA_FTYPE, QUANT_TYPES, type QuantType };

const Ptr = 'void *';

koffi.struct('llama_model_quantize_params', {
  nthread: 'int32_t',
  ftype: 'int32_t',
  output_tensor_type: 'int32_t',
  token_embedding_type: 'int32_t',
  allow_requantize: 'bool',
  quantize_output_tensor: 'bool',
  only_copy: 'bool',
  pure: 'bool',
  keep_split: 'bool',
  dry_run: 'bool',
  imatrix: Ptr,
  kv_overrides: Ptr,
  tt_overrides: Ptr,
  prune_layers: Ptr,
  max_buf_size: 'size_t',
});

koffi.struct('llama_model_params', {
  devices: Ptr,
  tensor_buft_overrides: Ptr,
  n_gpu_layers: 'int32_t',
  split_mode: 'int32_t',
  load_mode: 'int32_t',
  lazy_mode: 'int32_t',
  main_gpu: 'int32_t',
  tensor_split: Ptr,
  progress_callback: Ptr,
  progress_callback_user_data: Ptr,
  kv_overrides: Ptr,
  vocab_only: 'bool',
  check_tensors: 'bool',
  use_extra_bufts: 'bool',
  no_host: 'bool',
  no_alloc: 'bool',
  load_mtp: 'bool',
});

koffi.struct('llama_context_params', {
  n_ctx: 'uint32_t',
  n_batch: 'uint32_t',
  n_ubatch: 'uint32_t',
  n_seq_max: 'uint32_t',
  n_rs_seq: 'uint32_t',
  n_outputs_max: 'uint32_t',
  n_outputs_max_per_seq: 'uint32_t',
  n_threads: 'int32_t',
  n_threads_batch: 'int32_t',
  ctx_type: 'int32_t',
  rope_scaling_type: 'int32_t',
  pooling_type: 'int32_t',
  attention_type: 'int32_t',
  flash_attn_type: 'int32_t',
  rope_freq_base: 'float',
  rope_freq_scale: 'float',
  yarn_ext_factor: 'float',
  yarn_attn_factor: 'float',
  yarn_beta_fast: 'float',
  yarn_beta_slow: 'float',
  yarn_orig_ctx: 'uint32_t',
  defrag_thold: 'float',
  cb_eval: Ptr,
  cb_eval_user_data: Ptr,
  type_k: 'int32_t',
  type_v: 'int32_t',
  abort_callback: Ptr,
  abort_callback_data: Ptr,
  embeddings: 'bool',
  offload_kqv: 'bool',
  no_perf: 'bool',
  op_offload: 'bool',
  swa_full: 'bool',
  kv_unified: 'bool',
  samplers: Ptr,
  n_samplers: 'size_t',
  ctx_other: Ptr,
});

koffi.struct('ggml_opt_optimizer_params', {
  adamw: koffi.struct({ alpha: 'float', beta1: 'float', beta2: 'float', eps: 'float', wd: 'float' }),
  sgd: koffi.struct({ alpha: 'float', wd: 'float' }),
});

export const ParamFilter = koffi.proto('bool llama_opt_param_filter(void *tensor, void *userdata)');
export const GetOptPars = koffi.proto('ggml_opt_optimizer_params ggml_opt_get_optimizer_params(void *userdata)');
export const EpochCallback = koffi.proto(
  'void ggml_opt_epoch_callback(bool train, void *opt_ctx, void *dataset, void *result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us)',
);
export const LogCallback = koffi.proto('void ggml_log_callback(int level, const char *text, void *user_data)');

koffi.struct('llama_opt_params', {
  n_ctx_train: 'uint32_t',
  param_filter: koffi.pointer(ParamFilter),
  param_filter_ud: Ptr,
  get_opt_pars: koffi.pointer(GetOptPars),
  get_opt_pars_ud: Ptr,
  optimizer_type: 'int32_t',
});

export interface QuantizeParams {
  nthread: number;
  ftype: number;
  [field: string]: unknown;
}

export interface OptimizerParams {
  adamw: { alpha: number; beta1: number; beta2: number; eps: number; wd: number };
  sgd: { alpha: number; wd: number };
}

function bind(dir: string) {
  const ggml = koffi.load(findLib(dir, 'ggml'));
  const base = koffi.load(findLib(dir, 'ggml-base'));
  const llama = koffi.load(findLib(dir, 'llama'));
  return {
    ggml_backend_load_all_from_path: ggml.func('void ggml_backend_load_all_from_path(const char *dir)'),
    llama_backend_init: llama.func('void llama_backend_init()'),
    llama_log_set: llama.func('void llama_log_set(ggml_log_callback *cb, void *ud)'),
    llama_model_quantize_default_params: llama.func('llama_model_quantize_params llama_model_quantize_default_params()'),
    llama_model_quantize: llama.func('uint32_t llama_model_quantize(const char *inp, const char *out, const llama_model_quantize_params *params)'),
    llama_model_default_params: llama.func('llama_model_params llama_model_default_params()'),
    llama_context_default_params: llama.func('llama_context_params llama_context_default_params()'),
    llama_model_load_from_file: llama.func('void *llama_model_load_from_file(const char *path, llama_model_params params)'),
    llama_model_save_to_file: llama.func('void llama_model_save_to_file(void *model, const char *path)'),
    llama_model_free: llama.func('void llama_model_free(void *model)'),
    llama_init_from_model: llama.func('void *llama_init_from_model(void *model, llama_context_params params)'),
    llama_free: llama.func('void llama_free(void *ctx)'),
    llama_n_ctx: llama.func('uint32_t llama_n_ctx(void *ctx)'),
    llama_model_get_vocab: llama.func('void *llama_model_get_vocab(void *model)'),
    llama_model_n_params: llama.func('uint64_t llama_model_n_params(void *model)'),
    llama_vocab_n_tokens: llama.func('int32_t llama_vocab_n_tokens(void *vocab)'),
    llama_vocab_bos: llama.func('int32_t llama_vocab_bos(void *vocab)'),
    llama_vocab_eos: llama.func('int32_t llama_vocab_eos(void *vocab)'),
    llama_tokenize: llama.func('int32_t llama_tokenize(void *vocab, const char *text, int32_t len, _Out_ int32_t *tokens, int32_t n_max, bool add_special, bool parse_special)'),
    llama_opt_init: llama.func('void llama_opt_init(void *ctx, void *model, llama_opt_params params)'),
    llama_opt_epoch: llama.func(
      'void llama_opt_epoch(void *ctx, void *dataset, void *result_train, void *result_eval, int64_t idata_split, ggml_opt_epoch_callback *cb_train, ggml_opt_epoch_callback *cb_eval)',
    ),
    ggml_get_name: base.func('const char *ggml_get_name(void *tensor)'),
    ggml_get_data: base.func('void *ggml_get_data(void *tensor)'),
    ggml_opt_dataset_init: base.func('void *ggml_opt_dataset_init(int32_t type_data, int32_t type_label, int64_t ne_datapoint, int64_t ne_label, int64_t ndata, int64_t ndata_shard)'),
    ggml_opt_dataset_free: base.func('void ggml_opt_dataset_free(void *dataset)'),
    ggml_opt_dataset_data: base.func('void *ggml_opt_dataset_data(void *dataset)'),
    ggml_opt_dataset_labels: base.func('void *ggml_opt_dataset_labels(void *dataset)'),
    ggml_opt_result_init: base.func('void *ggml_opt_result_init()'),
    ggml_opt_result_free: base.func('void ggml_opt_result_free(void *result)'),
    ggml_opt_result_reset: base.func('void ggml_opt_result_reset(void *result)'),
    ggml_opt_result_loss: base.func('void ggml_opt_result_loss(void *result, _Out_ double *loss, _Out_ double *unc)'),
  };
}

export type LlamaLib = ReturnType<typeof bind>;

let loaded: LlamaLib | undefined;

/** Loads the libraries and their backends once per process; llama.cpp's own log goes to stderr unless `quiet`. */
export function loadLlama(options: { quiet?: boolean; gpu?: GpuFamily | undefined } = {}): LlamaLib {
  if (loaded) return loaded;
  const dir = llamaLibDir(options.gpu);
  const lib = bind(dir);
  if (options.quiet) {
    // Keep warnings and errors (level >= 3) so that a failure still explains itself in stderr.
    const cb = koffi.register((level: number, text: string) => {
      if (level >= 3) process.stderr.write(text);
    }, koffi.pointer(LogCallback));
    lib.llama_log_set(cb, null);
  }
  lib.ggml_backend_load_all_from_path(dir);
  lib.llama_backend_init();
  loaded = lib;
  return lib;
}

export { koffi };
