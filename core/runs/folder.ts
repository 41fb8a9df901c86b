import fs from 'node:fs/promises';
import path from 'node:path';
import { openArtifactStore } from '../artifacts/open-store.js';
import type { ArtifactRef } from '../artifacts/ref.js';
import { S3_SCHEME } from '../artifacts/s3/object.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { statePaths, type ForgelineConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import type { RunState } from '../workflow-safe/run-state.js';
import { nameOutputs, type NamedOutput } from './names.js';

/** The listing kept beside the links, so that `artifacts` and `open` work without a Temporal server. */
export const MANIFEST = 'outputs.json';

export interface RunFolderEntry {
  name: string;
  step: string;
  output: string;
  kind: string;
  schema: string;
  bytes: number;
  records?: number;
  sha256: string;
  /** Where the artifact is stored: `file://...`, or `s3://bucket/key` (absent in folders made before it was listed). */
  uri?: string;
  /**
   * How the name reaches the stored file: a hard link, a symlink (another volume), a copy (an S3
   * output's local copy on another volume), or not at all (not on this host).
   */
  link: 'hard' | 'symlink' | 'copy' | 'missing';
}

/** What the folder needs to know: the state folder, and the artifact store that S3 outputs come down through. */
export type RunFolderConfig = Pick<ForgelineConfig, 'home' | 'artifacts' | 'artifactCacheBytes'>;

export interface RunFolder {
  dir: string;
  entries: RunFolderEntry[];
}

export const runFolderPath = (home: string, runId: string): string => path.join(statePaths(home).runs, folderName(runId));

/**
 * A run id as a folder name: characters a path could trip on become `_`, and `.`/`..` are refused,
 * so a run id can never climb out of `runs/`.
 */
function folderName(runId: string): string {
  const name = runId.replace(/[^A-Za-z0-9._-]/g, '_');
  if (!name || name === '.' || name === '..') throw new PipelineError('INVALID_PARAMS', `run id "${runId}" cannot name a folder`, [{ path: 'run-id', message: 'not a usable run id' }]);
  return name;
}

/**
 * `<state>/runs/<run-id>/` with a readable name for each output of the run, linked to the
 * content-addressed file: a hard link where the store is on the same volume, else a symlink.
 * An output in S3 comes down first, when this host's store is that S3 store, into its local
 * copies (digest-checked) and is hard-linked from there: the folder's name keeps the bytes when the
 * copy is later evicted from the bounded cache. Nothing else is copied. Made again from scratch
 * each time, so a second call agrees with the run.
 */
export async function makeRunFolder(config: RunFolderConfig, runId: string, state: RunState): Promise<RunFolder> {
  const dir = runFolderPath(config.home, runId);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const store = config.artifacts.kind === 's3' ? openArtifactStore(config) : undefined;
  const entries: RunFolderEntry[] = [];
  for (const o of nameOutputs(state.steps, state.report?.html)) entries.push(await linkOne(dir, o, store));
  await fs.writeFile(path.join(dir, MANIFEST), JSON.stringify({ runId, pipeline: state.pipeline, status: state.status, outputs: entries }, null, 2) + '\n');
  return { dir, entries };
}

async function linkOne(dir: string, o: NamedOutput, store: ArtifactStore | undefined): Promise<RunFolderEntry> {
  const entry = { name: o.name, step: o.step, output: o.output, kind: o.ref.kind, schema: o.ref.schema, bytes: o.ref.bytes, ...(o.ref.records !== undefined ? { records: o.ref.records } : {}), sha256: o.ref.sha256, uri: o.ref.uri };
  const remote = o.ref.uri.startsWith(S3_SCHEME);
  const target = remote ? await fetched(o.ref, store) : o.ref.uri.startsWith('file://') ? o.ref.uri.slice('file://'.length) : undefined;
  if (!target) return { ...entry, link: 'missing' };
  const dest = path.join(dir, o.name);
  try {
    await fs.link(target, dest);
    return { ...entry, link: 'hard' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ...entry, link: 'missing' };
    // EXDEV: the run folder is on another volume than the store; EPERM: a file system without hard links.
    if (code !== 'EXDEV' && code !== 'EPERM') throw err;
    // A symlink to a local copy would break when the cache evicts it.
    if (remote) {
      await fs.copyFile(target, dest);
      return { ...entry, link: 'copy' };
    }
    await fs.symlink(target, dest);
    return { ...entry, link: 'symlink' };
  }
}

/** An S3 output's local copy, fetched if need be; undefined when this host has no S3 store or the object is gone. */
async function fetched(ref: ArtifactRef, store: ArtifactStore | undefined): Promise<string | undefined> {
  if (!store) return undefined;
  try {
    return await store.localPath(ref);
  } catch (err) {
    if (err instanceof PipelineError && err.code === 'ARTIFACT_MISSING') return undefined;
    throw err;
  }
}

/** The folder made earlier for this run, or undefined when there is none yet. */
export async function readRunFolder(home: string, runId: string): Promise<RunFolder | undefined> {
  const dir = runFolderPath(home, runId);
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as { outputs: RunFolderEntry[] };
    return { dir, entries: manifest.outputs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
