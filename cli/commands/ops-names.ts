import { openLineageStore, registry } from '../../activities/lineage/index.js';
import { modelName, slug } from '../../activities/ops/naming.js';
import { loadConfig } from '../../core/config.js';
import { table } from '../output.js';

/**
 * `forgeline ops names`: the registry's trained models under seed 004's names
 * (`{project}-v{version}-{date}-{base}`, line 119): the registry version, the day the model was
 * first seen, and the registry name of the model it was trained from (`--base` where none was
 * recorded). `--project` names the project (default: each model's registry name).
 */
export async function namesCommand(values: { project?: string; base?: string; json: boolean }): Promise<number> {
  const store = openLineageStore(loadConfig());
  try {
    const rows: { model: string; version: number; digest: string; seedName: string }[] = [];
    for (const e of await registry(store)) {
      const baseDigest = e.bases[0];
      const baseInfo = baseDigest ? await store.artifact(baseDigest) : undefined;
      const baseName = typeof baseInfo?.props.name === 'string' ? baseInfo.props.name.split('/').at(-1)! : values.base ?? baseDigest?.slice(0, 12) ?? 'unknown-base';
      const seedName = modelName({ project: values.project ?? e.name, version: String(e.version), date: new Date(e.firstSeenAt ?? Date.now()), base: slug(baseName) });
      rows.push({ model: e.name, version: e.version, digest: e.digest, seedName });
    }
    if (values.json) console.log(JSON.stringify(rows));
    else console.log(table([['MODEL', 'VERSION', 'DIGEST', 'SEED 004 NAME'], ...rows.map((r) => [r.model, `v${r.version}`, r.digest.slice(0, 12), r.seedName])]));
    return 0;
  } finally {
    await store.close();
  }
}
