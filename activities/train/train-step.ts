import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { statePaths } from '../../core/config.js';
import { defineStep, type StepContext, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readJsonArtifact, readRecords, RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { rejectLine } from '../../core/stage/reject.js';
import { GGML_TYPE, ggmlTypeName, gguf, plainValue, readGguf, rewriteGgufMetadata, type GgufFile, type GgufValue } from '../../native/gguf-writer.js';
import { probeModel } from '../models/probe.js';
import { cardMetadata, METADATA_KEYS } from '../models/quantize.js';
import { chatTemplateOf, type ChatTemplate } from '../prompts/chat-template.js';
import { renderRecord } from './render.js';
import { trainerFor } from './backends/index.js';
import { hyperOptions, resolveHyper } from './hyper.js';
import type { TrainOutcome } from './trainer.js';

/** What a retried attempt finds in the previous attempt's last heartbeat. */
interface TrainResume {
  step: number;
  checkpoint: ArtifactRef;
  curve: ArtifactRef;
  /** The data and base model the checkpoint belongs to: a resume never mixes runs. */
  identity: string;
}

type CurveLine = { kind: 'step' | 'epoch'; attempt: number; [k: string]: unknown };

export const trainOptions = z
  .object({
    backend: z.enum(['llamacpp', 'hf']).default('llamacpp'),
    /** Phase name (seed 002: calibration, reasoning, creative, robustness); stored in the GGUF. */
    phase: z.string().min(1).default('train'),
    /** hf: the Hugging Face base model (folder, or id where the host may download) when neither `weights` nor `model` is wired. */
    baseModel: z.string().optional(),
    /**
     * `chat-template`: prompts rendered with the base model's own chat template (GGUF
     * `tokenizer.chat_template`; the evaluate step's `test.prompt` must match); `instruction`: seed
     * 003's `### Instruction / ### Response` format.
     */
    prompt: z.enum(['instruction', 'chat-template']).default('instruction'),
    ...hyperOptions.shape,
    name: z.string().optional(),
    /**
     * Seed 000's pro tip ("Include `reasoning` field to help model learn *why*"): this field of an
     * instruction record follows its output, after a blank line, in the response trained on.
     */
    reasoningField: z.string().min(1).optional(),
    description: z.string().optional(),
    license: z.string().optional(),
    probePrompt: z.string().min(1).default('### Instruction:\nSay hello.\n\n### Response:\n'),
  })
  .strict();

export type TrainOptions = z.output<typeof trainOptions>;

/**
 * `train`: fine-tunes a model on records (instruction, chat or completion), one phase per step.
 * Chain phases by wiring one step's `model` (llamacpp) or `weights` (hf) into the next.
 * Progress streams into heartbeats; checkpoints go to the artifact store every `checkpointEvery`
 * steps and a retried attempt resumes from the last one.
 */
export const trainStep = defineStep({
  kind: 'train',
  description: 'Fine-tune a model (llamacpp: full-parameter in llama.cpp; hf: LoRA/QLoRA/full in Python), export GGUF',
  module: import.meta.url,
  profile: 'gpu',
  // An hf base may be a Hugging Face id rather than a folder: only a local path is checked.
  paths: { baseModel: 'read-if-local' },
  inputs: {
    model: { kind: 'model', optional: true },
    weights: { kind: 'file', optional: true },
    data: { kind: 'records' },
    valid: { kind: 'records', optional: true },
  },
  outputs: { model: 'model', weights: 'file', progress: 'report', report: 'report', rejects: 'records' },
  options: trainOptions,
  retry: { maximumAttempts: 3, initialIntervalMs: 1000 },
  // The worker heartbeats every 2 s while the trainer child works; the SDK sends at most one per 0.8 x this.
  timeouts: { heartbeatMs: 30_000 },
  silenceMs: MODEL_SILENCE_MS,
  async run(ctx, inputs, options) {
    // An empty train split (an empty input file, or every record set aside upstream) fails here,
    // before a base model is loaded, with the reason instead of a model trained on nothing.
    if (inputs.data.records === 0 || inputs.data.bytes === 0) {
      throw new PipelineError('INVALID_INPUT_DATA', 'train: the train split is empty (0 records); check the input file and the rejects of the steps before', [{ path: 'inputs.data', message: 'empty' }]);
    }
    const trainer = trainerFor(options.backend);
    if (options.backend === 'llamacpp' && !inputs.model) {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'train (llamacpp) needs a `model` input: a GGUF with F32 weights', [{ path: 'inputs.model', message: 'missing' }]);
    }
    if (options.backend === 'hf' && !inputs.weights && !inputs.model && !options.baseModel) {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'train (hf) needs a `weights` or `model` input, or the `baseModel` option', [{ path: 'options.baseModel', message: 'missing' }]);
    }
    // The base is checked before the records are rendered: a wrong base fails at once. The hf
    // backend reads a GGUF base through transformers (dequantized), so `model` serves both backends.
    const modelFile = inputs.model ? await ctx.store.localPath(inputs.model) : undefined;
    const baseModel = options.backend === 'llamacpp' ? modelFile! : inputs.weights ? await ctx.store.localPath(inputs.weights) : (options.baseModel ?? modelFile!);
    if (options.backend === 'llamacpp') await requireF32Weights(baseModel, options.trainTensors);
    const chat = options.prompt === 'chat-template' ? await baseChatTemplate(modelFile) : undefined;
    const examples = path.join(ctx.workDir, 'examples.jsonl');
    const rendered = await renderRecords(ctx, inputs.data, examples, true, chat, options.reasoningField);
    const validFile = inputs.valid ? path.join(ctx.workDir, 'valid.jsonl') : undefined;
    if (inputs.valid && validFile) await renderRecords(ctx, inputs.valid, validFile, false, chat, options.reasoningField);
    if (rendered.kept === 0) throw new PipelineError('INVALID_INPUT_DATA', `train: none of the ${rendered.total} records is usable (see the rejects output)`);

    const identity = [options.backend, inputs.model?.sha256 ?? inputs.weights?.sha256 ?? options.baseModel, inputs.data.sha256, inputs.valid?.sha256 ?? ''].join(':');
    const prev = ctx.previousProgress?.resume as TrainResume | undefined;
    const resume = prev && prev.identity === identity && (await ctx.store.verify(prev.checkpoint)) ? prev : undefined;
    const curve: CurveLine[] = resume ? (await readJsonArtifact<CurveLine[]>(ctx.store, resume.curve)).filter((l) => Number(l.step ?? 0) <= resume.step) : [];
    // One folder per attempt: a trainer orphaned by a killed worker (it dies with its parent, but not
    // at once) must never write into the folder a retry reads. A retry resumes from the checkpoint in
    // the store (verified by digest), not from a folder, and removes the folders of earlier attempts.
    const checkpointRoot = path.join(statePaths(ctx.config.home).tmp, 'checkpoints');
    const stepFolder = `${ctx.runId}-${ctx.stepId}`.replace(/[^\w.-]+/g, '_');
    const checkpointDir = path.join(checkpointRoot, `${stepFolder}-attempt-${ctx.attempt}`);
    for (const old of await fs.readdir(checkpointRoot).catch(() => [] as string[])) {
      if (old.startsWith(`${stepFolder}-attempt-`) && old !== path.basename(checkpointDir)) await fs.rm(path.join(checkpointRoot, old), { recursive: true, force: true });
    }
    await fs.mkdir(checkpointDir, { recursive: true });
    if (resume) ctx.log.info({ step: resume.step }, 'resuming training from checkpoint');

    const hyper = resolveHyper(options, options.backend);
    const resumeFile = resume ? await ctx.store.localPath(resume.checkpoint) : undefined;
    const rawOut = path.join(ctx.workDir, 'trained.gguf');

    // Checkpoint uploads run one after another beside training; the last heartbeat names the newest.
    let uploads = Promise.resolve();
    let uploadError: unknown;
    const onCheckpoint = (c: { path: string; step: number }): void => {
      uploads = uploads.then(async () => {
        try {
          const checkpoint = await ctx.store.putFile(c.path, { kind: 'model', schema: options.backend === 'hf' ? 'hf-checkpoint-tar' : 'gguf-checkpoint' });
          const curveRef = await writeJsonArtifact(ctx.store, curve, 'report', 'train-curve');
          const state: TrainResume = { step: c.step, checkpoint, curve: curveRef, identity };
          ctx.heartbeat({ resume: state, checkpointStep: c.step });
          await fs.rm(c.path, { force: true });
        } catch (err) {
          uploadError ??= err;
        }
      });
    };
    let outcome: TrainOutcome;
    let gpuDevice: string | undefined;
    try {
      outcome = await trainer.train(
        {
          baseModel,
          ...(inputs.model ? { ggufBaseCache: path.join(statePaths(ctx.config.home).cache, 'hf-bases', inputs.model.sha256) } : {}),
          examplesFile: examples,
          ...(validFile ? { validFile } : {}),
          workDir: ctx.workDir,
          outputModel: rawOut,
          checkpointDir,
          ...(resume && resumeFile ? { resume: { checkpoint: resumeFile, step: resume.step } } : {}),
          hyper,
          gpu: ctx.hardware.gpu,
        },
        {
          signal: ctx.signal,
          onStatus: (message) => ctx.heartbeat({ message }),
          onStart: (info) => ctx.heartbeat({ message: `training ${options.phase}`, totalSteps: info.totalSteps }),
          onStep(p) {
            curve.push({ kind: 'step', attempt: ctx.attempt, ...p });
            ctx.heartbeat({ done: p.step, total: p.totalSteps, unit: 'steps', loss: p.loss, lr: p.lr, epoch: p.epoch, tokensPerSec: p.tokensPerSec, etaSec: p.etaSec });
          },
          onEpoch: (e) => curve.push({ kind: 'epoch', attempt: ctx.attempt, ...e }),
          onCheckpoint,
          onDevice: (d) => (gpuDevice = d),
        },
      );
      // The finished weights become the last checkpoint: a retry after a failure from here on
      // (the load check, the store) starts at the end instead of training again.
      if (options.backend === 'llamacpp') {
        const final = path.join(checkpointDir, `final-${outcome.steps}.gguf`);
        await fs.copyFile(rawOut, final);
        onCheckpoint({ path: final, step: outcome.steps });
      }
    } finally {
      await uploads;
    }
    if (uploadError) ctx.log.warn({ err: String(uploadError) }, 'a checkpoint upload failed');

    // Stamp the model card; llama.cpp's training rewrites context_length to the training window.
    const base = modelFile ? await readGguf(modelFile) : undefined;
    const trained = await readGguf(rawOut);
    const arch = String(plainValue(trained.metadata.get('general.architecture')) ?? 'llama');
    const lineage = [...((plainValue(base?.metadata.get('forgeline.training_data.lineage')) as string[] | undefined) ?? []), inputs.data.sha256];
    const changes: Record<string, GgufValue | undefined> = {
      ...cardMetadata({
        name: options.name ?? (plainValue(base?.metadata.get(METADATA_KEYS.name)) as string | undefined) ?? 'forgeline-model',
        ...(options.description !== undefined ? { description: options.description } : {}),
        ...(options.license !== undefined ? { license: options.license } : {}),
        trainingDataSha256: inputs.data.sha256,
      }),
      'forgeline.training_data.lineage': gguf.strs(lineage),
      'forgeline.phase': gguf.str(options.phase),
      'forgeline.train.backend': gguf.str(options.backend),
      'forgeline.train.steps': gguf.u32(outcome.steps),
    };
    const baseCtx = base?.metadata.get(`${arch}.context_length`);
    if (baseCtx) changes[`${arch}.context_length`] = baseCtx;
    if (base) Object.assign(changes, baseVocabulary(base, trained, modelFile!));
    const w = await ctx.store.writer('.gguf');
    try {
      await rewriteGgufMetadata(rawOut, w.path, changes);
      const probe = await probeModel(w.path, { prompt: options.probePrompt, maxTokens: 8, signal: ctx.signal, gpu: ctx.hardware.gpu });
      const model = await w.commit({ kind: 'model', schema: 'gguf' });
      const weightsFile = path.join(ctx.workDir, 'weights.tar');
      const weights = options.backend === 'hf' && (await exists(weightsFile))
        ? await ctx.store.putFile(weightsFile, { kind: 'file', schema: 'hf-weights-tar' })
        : await ctx.store.putFile(await ctx.store.localPath(model), { kind: 'file', schema: 'gguf' });
      const progress = await writeJsonArtifact(ctx.store, curve, 'report', 'train-curve');
      const steps = curve.filter((l) => l.kind === 'step');
      const facts = {
        phase: options.phase,
        backend: options.backend,
        device: ctx.hardware.gpu?.family ?? 'cpu',
        ...(gpuDevice !== undefined ? { gpuDevice } : {}),
        records: rendered,
        steps: outcome.steps,
        stepsThisAttempt: outcome.stepsThisAttempt,
        resumedFromStep: resume?.step ?? 0,
        attempt: ctx.attempt,
        firstLoss: steps[0]?.loss ?? null,
        lastLoss: steps[steps.length - 1]?.loss ?? null,
        epochs: outcome.epochs,
        tokensPerSec: outcome.tokensPerSec,
        seconds: Math.round(outcome.seconds * 10) / 10,
        learningRate: hyper.learningRate,
        probe: { generatedTokens: probe.generatedTokens },
        ...(outcome.details ? { details: outcome.details } : {}),
      };
      const report = await writeJsonArtifact(ctx.store, facts, 'report', 'train-report');
      await fs.rm(checkpointDir, { recursive: true, force: true });
      // `modelName`: the registry name of the model (activities/lineage/derive.ts); without it the
      // registry names the model `<pipeline>/<step id>`.
      const metadata = { ...facts, ...(options.name ? { modelName: options.name } : {}), records: { total: rendered.total, kept: rendered.kept, rejected: rendered.rejected, withReasoning: rendered.withReasoning, dropped: rendered.dropped } };
      return { outputs: { model, weights, progress, report, rejects: rendered.rejects }, metadata };
    } catch (err) {
      await w.abort();
      throw err;
    }
  },
});

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

interface RenderStats {
  total: number;
  kept: number;
  rejected: number;
  /** Examples whose response carries the record's reasoning (the `reasoningField` option). */
  withReasoning: number;
  dropped: Record<string, number>;
  formats: Record<string, number>;
  rejects: ArtifactRef;
}

/** Renders records to `{prompt, response, text}` lines; unusable records go to rejects with a reason code. */
async function renderRecords(ctx: StepContext, ref: ArtifactRef, file: string, keepRejects = true, chat?: ChatTemplate, reasoningField?: string): Promise<RenderStats> {
  const rejects = await RecordsWriter.open(ctx.store);
  const out = await fs.open(file, 'w');
  const stats = { total: 0, kept: 0, rejected: 0, withReasoning: 0, dropped: {} as Record<string, number>, formats: {} as Record<string, number> };
  try {
    for await (const { value, line } of readRecords(ctx.store, ref)) {
      stats.total++;
      const r = renderRecord(value, chat, reasoningField);
      if (r.ok) {
        stats.kept++;
        if (r.example.reasoning) stats.withReasoning++;
        stats.formats[r.example.format] = (stats.formats[r.example.format] ?? 0) + 1;
        const { prompt, response, rejected } = r.example;
        await out.write(`${JSON.stringify({ prompt, response, text: prompt + response, ...(rejected !== undefined ? { rejected } : {}) })}\n`);
      } else {
        stats.rejected++;
        stats.dropped[r.reason] = (stats.dropped[r.reason] ?? 0) + 1;
        if (keepRejects) await rejects.writeLine(rejectLine({ line, reason: r.reason, detail: r.detail }, undefined, JSON.stringify(value)));
      }
    }
  } catch (err) {
    await rejects.abort();
    throw err;
  } finally {
    await out.close();
  }
  return { ...stats, rejects: await rejects.commit('reject') };
}

/**
 * llama.cpp's optimizer updates F32 tensors only; a quantized or F16 base would fail deep inside
 * ggml (an assertion in the child). Checked up front so the error names the file and the fix.
 * token_embd is left out: llama.cpp keeps it frozen whatever its type.
 */
export async function requireF32Weights(file: string, trainTensors?: string): Promise<void> {
  const filter = trainTensors ? new RegExp(trainTensors) : undefined;
  const parsed = await readGguf(file);
  const wrong = parsed.tensors.filter((t) => t.name !== 'token_embd.weight' && (!filter || filter.test(t.name)) && t.ggmlType !== GGML_TYPE.F32);
  if (wrong.length === 0) return;
  const types = [...new Set(wrong.map((t) => ggmlTypeName(t.ggmlType)))].join(', ');
  throw new PipelineError(
    'INVALID_INPUT_DATA',
    `train (llamacpp) needs F32 weights, but ${wrong.length} tensors of the base model are ${types} (e.g. ${wrong[0]!.name}); export the base with convert_hf_to_gguf.py --outtype f32, or use the hf backend`,
    [{ path: 'inputs.model', message: `${types} weights` }],
  );
}

/** The chat template of the GGUF base (the `model` input), for `prompt: 'chat-template'`. */
async function baseChatTemplate(modelFile: string | undefined): Promise<ChatTemplate> {
  const chat = modelFile ? await chatTemplateOf(modelFile) : undefined;
  if (!chat) {
    throw new PipelineError(
      'INVALID_STEP_OPTIONS',
      `train: prompt is chat-template but ${modelFile ? `the base model ${modelFile} has no tokenizer.chat_template` : 'no GGUF `model` input is wired to read it from'}`,
      [{ path: 'options.prompt', message: 'no chat template' }],
    );
  }
  return chat;
}

/**
 * The tuned model keeps its base's tokenizer metadata byte for byte (vocabulary, merges, special
 * tokens, chat template): fine-tuning changes weights, not the vocabulary. The hf export path
 * (transformers reads a GGUF vocabulary into a fast tokenizer, convert_hf_to_gguf.py writes it back)
 * turns SmolLM2's byte-level BPE into a SentencePiece-style `llama` vocabulary without merges, which
 * llama.cpp would tokenize wrongly; copying the base's keys restores it. Same token count or fail.
 */
function baseVocabulary(base: GgufFile, trained: GgufFile, baseFile: string): Record<string, GgufValue | undefined> {
  const count = (f: GgufFile): number => ((plainValue(f.metadata.get('tokenizer.ggml.tokens')) as unknown[] | undefined) ?? []).length;
  if (count(base) !== count(trained)) {
    throw new PipelineError('STEP_FAILED', `train: the tuned model has ${count(trained)} tokens but its base ${baseFile} has ${count(base)}; the export changed the vocabulary`);
  }
  const changes: Record<string, GgufValue | undefined> = {};
  for (const key of trained.metadata.keys()) if (key.startsWith('tokenizer.') && !base.metadata.has(key)) changes[key] = undefined;
  for (const [key, value] of base.metadata) if (key.startsWith('tokenizer.')) changes[key] = value;
  return changes;
}
