import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateStep } from '../../activities/curation/validate/validate-step.js';
import { codeVersion } from '../../core/cache/code-version.js';

/** A step and the stage it runs by URL, in a folder of their own; the version of the step. */
async function versionWith(stageSource: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-code-version-'));
  await writeFile(path.join(dir, 'step.js'), "export const stage = stageAt('./stage.js', import.meta.url);\n");
  await writeFile(path.join(dir, 'stage.js'), stageSource);
  return codeVersion(pathToFileURL(path.join(dir, 'step.js')).href);
}

describe('the code version of a step that runs a stage by URL', () => {
  it('changes when only the stage file changes', async () => {
    const a = await versionWith("export const s = defineStage({ name: 'x', process: () => keep() });\n");
    const same = await versionWith("export const s = defineStage({ name: 'x', process: () => keep() });\n");
    const b = await versionWith("export const s = defineStage({ name: 'x', process: () => drop('too_short') });\n");
    expect(same).toBe(a);
    expect(b).not.toBe(a);
  });

  it('sees both stages of validate (with and without scrub): each is named by a literal stageAt', () => {
    const text = readFileSync(new URL(validateStep.module), 'utf8');
    for (const f of ['validator.js', 'scrubbing.js']) expect(text).toContain(`stageAt('./${f}', import.meta.url)`);
  });
});
