#!/usr/bin/env node
import { isPipelineError } from '../errors.js';
import { cancelCommand, usage as cancelUsage } from './commands/cancel.js';
import { devCommand, usage as devUsage } from './commands/dev.js';
import { doctorCommand } from './commands/doctor.js';
import { listCommand, usage as listUsage } from './commands/list.js';
import { pipelinesCommand, usage as pipelinesUsage } from './commands/pipelines.js';
import { quickstartCommand, usage as quickstartUsage } from './commands/quickstart.js';
import { runCommand, usage as runUsage } from './commands/run.js';
import { stageCommand, usage as stageUsage } from './commands/stage.js';
import { statusCommand, usage as statusUsage } from './commands/status.js';
import { workerCommand, usage as workerUsage } from './commands/worker.js';
import { scheduleCommand, usage as scheduleUsage } from './commands/schedule.js';
import { approveUsage, decisionCommand, rejectUsage } from './commands/approve.js';
import { lineageCommand, usage as lineageUsage } from './commands/lineage.js';
import { modelsCommand, usage as modelsUsage } from './commands/models.js';
import { runsCommand, usage as runsUsage } from './commands/runs.js';

type Command = { run: (argv: string[]) => Promise<number>; usage: string };

/** Every CLI command, in the order `forgeline --help` lists them. */
const COMMANDS: Record<string, Command> = {
  quickstart: { run: quickstartCommand, usage: quickstartUsage },
  dev: { run: devCommand, usage: devUsage },
  worker: { run: workerCommand, usage: workerUsage },
  run: { run: runCommand, usage: runUsage },
  status: { run: statusCommand, usage: statusUsage },
  list: { run: listCommand, usage: listUsage },
  cancel: { run: cancelCommand, usage: cancelUsage },
  pipelines: { run: pipelinesCommand, usage: pipelinesUsage },
  doctor: { run: doctorCommand, usage: 'doctor [--json]' },
  stage: { run: stageCommand, usage: stageUsage },
  schedule: { run: scheduleCommand, usage: scheduleUsage },
  approve: { run: decisionCommand('approve'), usage: approveUsage },
  reject: { run: decisionCommand('reject'), usage: rejectUsage },
  lineage: { run: lineageCommand, usage: lineageUsage },
  models: { run: modelsCommand, usage: modelsUsage },
  runs: { run: runsCommand, usage: runsUsage },
};

function help(): string {
  return ['usage: npx forgeline <command> [options] [--verbose]', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`forgeline: unknown command "${name}"\n${help()}`);
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const message = isPipelineError(err) ? err.describe() : err instanceof Error ? err.message : String(err);
    console.error(`forgeline ${name}: ${message}`);
    if (verbose && err instanceof Error) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
