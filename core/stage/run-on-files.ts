import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkInputFile, emptyInputWarning } from '../artifacts/input-file.js';
import { openArtifactStore } from '../artifacts/open-store.js';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore } from '../artifacts/store.js';
import type { ForgelineConfig } from '../config.js';
import { zodIssueToIssue } from '../dsl/compile.js';
import type { AnyStepKind, StepContext, StepResult } from '../dsl/step-kind.js';
import { PipelineError } from '../errors.js';
import type { Logger } from '../log.js';

export interface FileStageArgs {
  inputs: Record<string, string | string[]>;
  config: unknown;
  /** Where a warning about the inputs goes (an empty file): one plain line for a CLI; default the log. */
  warn?: (message: string) => void;
}

/**
 * Runs one step kind outside Temporal on local files: the same code path as in a pipeline, with
 * inputs imported into the state folder's store. Used by `forgeline stage` and by benchmarks.
 */
export async function runStepOnFiles(
  kind: AnyStepKind,
  args: FileStageArgs,
  forgeline: ForgelineConfig,
  log: Logger,
): Promise<StepResult & { store: ArtifactStore }> {
  const { config, byPath } = withPathOptions(kind, args);
  const parsed = kind.options.safeParse(config);
  if (!parsed.success) {
    throw new PipelineError('INVALID_STEP_OPTIONS', `invalid --config for stage "${kind.kind}"`, parsed.error.issues.map(zodIssueToIssue('config')));
  }
  const store = openArtifactStore(forgeline);
  const inputs: Record<string, ArtifactRef | ArtifactRef[]> = {};
  const inputFiles: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(kind.inputs)) {
    const given = args.inputs[name];
    if (given === undefined) {
      if (!spec.optional) throw new PipelineError('INVALID_PARAMS', `stage "${kind.kind}" needs input "${name}"`, [{ path: name, message: 'missing' }]);
      continue;
    }
    const files = Array.isArray(given) ? given : [given];
    inputFiles[name] = files;
    // Not checked against the input roots: a user naming a file on their own command line reads it
    // with their own rights (docs/deployment.md); run params, which a worker reads for anyone, are.
    for (const f of files) {
      const bytes = await checkInputFile({ file: f, records: spec.kind === 'records' });
      if (bytes === 0) (args.warn ?? ((m: string) => log.warn({ file: f }, m)))(emptyInputWarning(f));
    }
    if (byPath.has(name)) continue;
    const refs: ArtifactRef[] = [];
    for (const f of files) refs.push(await store.putFile(f, { kind: spec.kind, schema: 'file' }));
    inputs[name] = spec.many ? refs : refs[0]!;
  }
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `forgeline-${kind.kind}-`));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const ctx: StepContext = {
    runId: 'local',
    pipeline: 'local',
    stepId: kind.kind,
    kind: kind.kind,
    attempt: 1,
    store: trustImports(store, new Set(Object.values(inputs).flat().map((r) => r.uri))),
    log,
    config: forgeline,
    // Outside a worker: CPU, and no limit on llama.cpp children (core/hardware.ts).
    hardware: {},
    workDir,
    signal: controller.signal,
    previousProgress: undefined,
    heartbeat: () => undefined,
    inputFiles,
  };
  try {
    const result = await kind.run(ctx, inputs as never, parsed.data as never);
    return { ...result, store };
  } finally {
    process.off('SIGINT', onSigint);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The config with each single input file that the kind can read in place (`pathOption`) set as that
 * option, unless the config sets the option itself; `byPath` names those inputs.
 */
function withPathOptions(kind: AnyStepKind, args: FileStageArgs): { config: unknown; byPath: Set<string> } {
  const byPath = new Set<string>();
  const given = args.config ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) return { config: args.config, byPath };
  const config: Record<string, unknown> = { ...(given as Record<string, unknown>) };
  for (const [name, spec] of Object.entries(kind.inputs)) {
    const files = args.inputs[name];
    const file = Array.isArray(files) ? (files.length === 1 ? files[0] : undefined) : files;
    if (!spec.pathOption || spec.many || file === undefined || spec.pathOption in config) continue;
    config[spec.pathOption] = path.resolve(file);
    byPath.add(name);
  }
  return { config: byPath.size ? config : args.config, byPath };
}

/**
 * The store the step sees. Its inputs were hashed a moment ago by the import, so the step's
 * `localPath` skips a second full read and hash of each (half a second per 600 MB). A change made
 * after that would be as invisible to a verify-then-read as it is here; every other artifact is
 * verified as usual.
 */
function trustImports(store: ArtifactStore, imported: Set<string>): ArtifactStore {
  const view = Object.create(store) as ArtifactStore;
  view.localPath = (ref, verify = true) => store.localPath(ref, verify && !imported.has(ref.uri));
  return view;
}
