import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { absoluteManifest } from '../../activities/mix/manifest-file.js';
import { buildStepKindRegistry } from '../../activities/registry.js';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { loadPipelines } from '../../core/registry/pipelines.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { parseJsonArg } from '../args.js';
import { stageHelp } from '../stage-help.js';

export const usage = 'stage <name> --in <file> --out <file> [--rejects <file>] [--out-dir <dir>] [--config <json|file>] [--strict] [--help]';

/**
 * Runs a step kind alone on files. `--in` feeds the kind's main input, `--out` and `--rejects`
 * receive its main outputs, `--out-dir` receives every output; the stats go to stdout as JSON.
 */
export async function stageCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      in: { type: 'string', multiple: true },
      out: { type: 'string' },
      rejects: { type: 'string' },
      'out-dir': { type: 'string' },
      config: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const name = positionals[0];
  const config = loadConfig();
  const kinds = buildStepKindRegistry(await loadPipelines(config.pipelineDirs));
  const kind = name ? kinds.get(name) : undefined;
  if (values.help) {
    console.log(kind ? stageHelp(kind, usage) : `usage: forgeline ${usage}\nstages: ${[...kinds.keys()].sort().join(', ')}`);
    return 0;
  }
  if (!kind) {
    throw new PipelineError('UNKNOWN_STEP_KIND', `unknown stage "${name ?? ''}"; stages: ${[...kinds.keys()].sort().join(', ')}`);
  }
  const inputNames = Object.keys(kind.inputs);
  const outputNames = Object.keys(kind.outputs);
  const mainIn = kind.cli?.in ?? inputNames[0];
  const mainOut = kind.cli?.out ?? outputNames[0];
  const rejectsOut = kind.cli?.rejects ?? (outputNames.includes('rejects') ? 'rejects' : undefined);
  const inputs: Record<string, string | string[]> = {};
  if (mainIn && values.in) inputs[mainIn] = kind.inputs[mainIn]?.many ? values.in : values.in[0]!;
  // A manifest names its bucket files relative to itself; the stored copy needs them absolute.
  if (mainIn && kind.inputs[mainIn]?.kind === 'manifest' && typeof inputs[mainIn] === 'string') inputs[mainIn] = await absoluteManifest(inputs[mainIn]);
  if (!values.out && !values['out-dir']) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);

  const result = await runStepOnFiles(
    kind,
    { inputs, config: parseJsonArg('--config', values.config), warn: (message) => console.error(`forgeline stage: warning: ${message}`) },
    config,
    createLogger({ level: config.logLevel }),
  );
  const outputs = result.outputs as Record<string, { uri: string } | undefined>;
  const copy = async (output: string | undefined, dest: string | undefined) => {
    const ref = output ? outputs[output] : undefined;
    if (!ref || !dest) return;
    await fs.mkdir(path.dirname(path.resolve(dest)), { recursive: true });
    await fs.copyFile(await result.store.localPath(ref as never, false), dest);
  };
  await copy(mainOut, values.out);
  await copy(rejectsOut, values.rejects);
  if (values['out-dir']) {
    await fs.mkdir(values['out-dir'], { recursive: true });
    for (const [o, ref] of Object.entries(outputs)) {
      if (!ref) continue;
      const ext = path.extname(ref.uri) || '.bin';
      await copy(o, path.join(values['out-dir'], `${o}${ext}`));
    }
  }
  console.log(JSON.stringify({ stage: kind.kind, ...result.metadata }));
  const rejected = Number((result.metadata as { rejected?: number } | undefined)?.rejected ?? 0);
  return values.strict && rejected > 0 ? 2 : 0;
}
