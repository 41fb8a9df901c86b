import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { llamaCppSource } from '../activities/train/backends/hf.js';

/**
 * llama.cpp's own `llama-batched-bench` and `llama-perplexity`, the peers of the evaluation bench,
 * built once from the source node-llama-cpp ships (its `gitRelease.bundle`, unpacked by
 * `llamaCppSource()` into `.cache/llama.cpp-src`, the clone the hf backend already uses) into
 * `.cache/llama-tools/<release>-<cpu variant>/`.
 *
 * The flags copy how node-llama-cpp's prebuilt `@node-llama-cpp/linux-x64` was built (its
 * compileLLamaCpp.js in CI mode: Release, GGML_OPENMP=OFF, GGML_NATIVE=OFF, GGML_CPU_ALL_VARIANTS=ON
 * with GGML_BACKEND_DL=ON, GCC 11.4 per its .comment section), except that the tools get one CPU
 * backend linked in statically: the variant ggml would load on this CPU, with that variant's
 * instruction-set flags (the list in ggml/src/CMakeLists.txt). So both sides run the same kernels;
 * what differs is the compiler (the system's gcc here) and static vs dynamic linking.
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NLC = path.join(REPO_ROOT, 'node_modules', 'node-llama-cpp', 'llama');

/** ggml's x86 CPU variants, lowest first, as `ggml_add_cpu_backend_variant` lists them (llama.cpp v0.5.0 bundle). */
const X86_VARIANTS: [string, string[]][] = [
  ['x64', []],
  ['sse42', ['SSE42']],
  ['sandybridge', ['SSE42', 'AVX']],
  ['ivybridge', ['SSE42', 'AVX', 'F16C']],
  ['piledriver', ['SSE42', 'AVX', 'F16C', 'FMA']],
  ['haswell', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2']],
  ['skylakex', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512']],
  ['cannonlake', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VBMI']],
  ['cascadelake', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VNNI']],
  ['icelake', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VBMI', 'AVX512_VNNI']],
  ['cooperlake', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VNNI', 'AVX512_BF16']],
  ['zen4', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VBMI', 'AVX512_VNNI', 'AVX512_BF16']],
  ['alderlake', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX_VNNI']],
  ['sapphirerapids', ['SSE42', 'AVX', 'F16C', 'FMA', 'AVX2', 'BMI2', 'AVX512', 'AVX512_VBMI', 'AVX512_VNNI', 'AVX512_BF16', 'AMX_TILE', 'AMX_INT8']],
];
/** /proc/cpuinfo's name of each feature (GGML_AVX512 compiles -mavx512f/cd/vl/dq/bw). */
const CPUINFO: Record<string, string[]> = {
  SSE42: ['sse4_2'],
  AVX: ['avx'],
  F16C: ['f16c'],
  FMA: ['fma'],
  AVX2: ['avx2'],
  BMI2: ['bmi2'],
  AVX512: ['avx512f', 'avx512cd', 'avx512vl', 'avx512dq', 'avx512bw'],
  AVX512_VBMI: ['avx512vbmi'],
  AVX512_VNNI: ['avx512_vnni'],
  AVX512_BF16: ['avx512_bf16'],
  AVX_VNNI: ['avx_vnni'],
  AMX_TILE: ['amx_tile'],
  AMX_INT8: ['amx_int8'],
};

/**
 * The variant ggml's loader picks here: the one with the most features that the CPU all has (its
 * score adds one bit per feature; the variants are nested, so the longest list wins).
 */
export function cpuVariant(cpuFlags: Set<string>): { name: string; features: string[] } {
  let best: [string, string[]] = X86_VARIANTS[0]!;
  for (const v of X86_VARIANTS) {
    const ok = v[1].every((f) => (CPUINFO[f] ?? []).every((flag) => cpuFlags.has(flag)));
    if (ok && v[1].length >= best[1].length) best = v;
  }
  return { name: best[0], features: best[1] };
}

export interface LlamaTools {
  release: string;
  variant: string;
  dir: string;
  batchedBench: string;
  perplexity: string;
  cmakeFlags: string[];
}

const TARGETS = ['llama-batched-bench', 'llama-perplexity'];

export async function llamaTools(log: (msg: string) => void): Promise<LlamaTools> {
  const release = (JSON.parse(await readFile(path.join(NLC, 'llama.cpp.info.json'), 'utf8')) as { tag: string }).tag;
  const flags = new Set((await readFile('/proc/cpuinfo', 'utf8')).match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? []);
  const variant = cpuVariant(flags);
  const dir = path.join(REPO_ROOT, '.cache', 'llama-tools', `${release}-${variant.name}`);
  const bin = path.join(dir, 'build', 'bin');
  const cmakeFlags = [
    '-G', 'Ninja',
    '-DCMAKE_BUILD_TYPE=Release',
    '-DBUILD_SHARED_LIBS=OFF',
    '-DGGML_NATIVE=OFF',
    '-DGGML_OPENMP=OFF',
    '-DGGML_CCACHE=OFF',
    '-DGGML_BACKEND_DL=OFF',
    '-DGGML_CPU_ALL_VARIANTS=OFF',
    ...['SSE42', 'AVX', 'AVX2', 'BMI2', 'AVX_VNNI', 'FMA', 'F16C', 'AVX512', 'AVX512_VBMI', 'AVX512_VNNI', 'AVX512_BF16', 'AMX_TILE', 'AMX_INT8'].map(
      (f) => `-DGGML_${f}=${variant.features.includes(f) ? 'ON' : 'OFF'}`,
    ),
    // This release dropped LLAMA_CURL (a deprecated no-op); downloads go through cpp-httplib, built without TLS.
    '-DLLAMA_OPENSSL=OFF',
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    '-DLLAMA_BUILD_SERVER=OFF',
    '-DLLAMA_BUILD_APP=OFF',
  ];
  const tools: LlamaTools = { release, variant: variant.name, dir, batchedBench: path.join(bin, TARGETS[0]!), perplexity: path.join(bin, TARGETS[1]!), cmakeFlags };
  const record = path.join(dir, 'build-flags.txt');
  if (fs.existsSync(tools.batchedBench) && fs.existsSync(tools.perplexity)) {
    if (!fs.existsSync(record)) fs.writeFileSync(record, `llama.cpp ${release}\ncmake ${cmakeFlags.join(' ')}\n`);
    return tools;
  }

  const src = llamaCppSource();
  const jobs = process.env.FORGELINE_BUILD_JOBS ?? '2';
  log(`building llama.cpp ${release} tools (${TARGETS.join(', ')}; CPU variant ${variant.name}) from ${src} into ${dir}, once; -j${jobs}, niced: a few minutes`);
  log(`cmake ${cmakeFlags.join(' ')}`);
  await sh('nice', ['-n', '10', 'cmake', '-S', src, '-B', path.join(dir, 'build'), ...cmakeFlags]);
  await sh('nice', ['-n', '10', 'cmake', '--build', path.join(dir, 'build'), '--target', ...TARGETS, `-j${jobs}`]);
  fs.writeFileSync(record, `llama.cpp ${release} from ${src}\ncmake ${cmakeFlags.join(' ')}\n`);
  log(`built ${tools.batchedBench} and ${tools.perplexity}`);
  return tools;
}

function sh(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} … exited ${code}`))));
  });
}
