#!/usr/bin/env node
import { asDiskFull, isPipelineError } from '../core/errors.js';
import { setVerbose } from './verbose.js';
type Command = { run: (argv: string[]) => Promise<number>; usage: string };

/**
 * Every CLI command, in the order `forgeline --help` lists them. Each loads on demand, so a quick
 * command does not pay for the heavy modules (llama.cpp, onnxruntime) that others import.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  quickstart: async () => { const m = await import('./commands/quickstart.js'); return { run: m.quickstartCommand, usage: m.usage }; },
  dev: async () => { const m = await import('./commands/dev.js'); return { run: m.devCommand, usage: m.usage }; },
  worker: async () => { const m = await import('./commands/worker.js'); return { run: m.workerCommand, usage: m.usage }; },
  run: async () => { const m = await import('./commands/run.js'); return { run: m.runCommand, usage: m.usage }; },
  status: async () => { const m = await import('./commands/status.js'); return { run: m.statusCommand, usage: m.usage }; },
  list: async () => { const m = await import('./commands/list.js'); return { run: m.listCommand, usage: m.usage }; },
  cancel: async () => { const m = await import('./commands/cancel.js'); return { run: m.cancelCommand, usage: m.usage }; },
  pipelines: async () => { const m = await import('./commands/pipelines.js'); return { run: m.pipelinesCommand, usage: m.usage }; },
  doctor: async () => { const m = await import('./commands/doctor.js'); return { run: m.doctorCommand, usage: m.usage }; },
  stage: async () => { const m = await import('./commands/stage.js'); return { run: m.stageCommand, usage: m.usage }; },
  schedule: async () => { const m = await import('./commands/schedule.js'); return { run: m.scheduleCommand, usage: m.usage }; },
  approve: async () => { const m = await import('./commands/approve.js'); return { run: m.decisionCommand('approve'), usage: m.approveUsage }; },
  reject: async () => { const m = await import('./commands/approve.js'); return { run: m.decisionCommand('reject'), usage: m.rejectUsage }; },
  lineage: async () => { const m = await import('./commands/lineage.js'); return { run: m.lineageCommand, usage: m.usage }; },
  models: async () => { const m = await import('./commands/models.js'); return { run: m.modelsCommand, usage: m.usage }; },
  artifacts: async () => { const m = await import('./commands/artifacts.js'); return { run: m.artifactsCommand, usage: m.usage }; },
  open: async () => { const m = await import('./commands/open.js'); return { run: m.openCommand, usage: m.usage }; },
  runs: async () => { const m = await import('./commands/runs.js'); return { run: m.runsCommand, usage: m.usage }; },
  ops: async () => { const m = await import('./commands/ops.js'); return { run: m.opsCommand, usage: m.usage }; },
};

async function help(): Promise<string> {
  const usages = await Promise.all(Object.values(COMMANDS).map(async (load) => `  ${(await load()).usage}`));
  return ['usage: npx forgeline <command> [options] [--verbose]', '', ...usages].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  setVerbose(verbose);
  const args = argv.filter((a) => a !== '--verbose');
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name ? 0 : 1;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`forgeline: unknown command "${name}"\n${await help()}`);
    return 1;
  }
  try {
    return await (await load()).run(rest);
  } catch (thrown) {
    // A full disk met anywhere (copying a stage's output to --out included) is one clear DISK_FULL line.
    const err = asDiskFull(thrown);
    const message = (isPipelineError(err) ? err.describe(true) : err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    console.error(`forgeline ${name}: ${message}`);
    if (verbose && err instanceof Error) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
