import { buildStepKindRegistry } from '../activities/registry.js';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/log.js';
import { runStepOnFiles } from '../core/stage/run-on-files.js';

/**
 * Runs one stage on files in a process of its own, so that its peak RSS is its own:
 * `node dist/bench/_stage-child.js <kind> <input-name> <file> <config-json> [<input-name> <file>]...`;
 * prints one JSON line.
 */
const [kind, inputName, file, config, ...more] = process.argv.slice(2);
const inputs: Record<string, string> = { [inputName!]: file! };
for (let i = 0; i + 1 < more.length; i += 2) inputs[more[i]!] = more[i + 1]!;
const k = buildStepKindRegistry(new Map()).get(kind!);
if (!k) throw new Error(`unknown stage ${kind}`);
const started = performance.now();
const result = await runStepOnFiles(k, { inputs, config: JSON.parse(config ?? '{}') }, loadConfig(), createLogger({ level: 'warn' }));
const ms = performance.now() - started;
console.log(JSON.stringify({ ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), outputs: result.outputs, metadata: result.metadata }));
