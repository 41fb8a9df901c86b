import type { ForgelineConfig } from '../../core/config.js';
import type { CheckResult } from './check.js';
import { baseModelCheck, diskCheck, goCheck, nodeCheck } from './host.js';
import { hfPython, neo4jCheck, pythonCheck } from './services.js';
import { portChecks, temporalBinaryCheck } from './temporal.js';

export type { CheckResult } from './check.js';

/** Everything a first run needs, in the order a person would fix it. */
export async function runChecks(config: ForgelineConfig, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const binary = await temporalBinaryCheck(config);
  const results = [nodeCheck(), await goCheck(binary.available, env.PATH ?? ''), binary.result, ...(await portChecks(config)), await diskCheck(config.home), await baseModelCheck(env)];
  const python = hfPython(env);
  if (python) results.push(await pythonCheck(python));
  if (config.neo4j) results.push(await neo4jCheck(config.neo4j));
  return results;
}
