import { describe, expect, test } from '@jest/globals';
import { datasetName, modelName, nextDatasetName, parseDatasetName, parseModelName } from '../../activities/ops/naming.js';

const NOV_12 = new Date('2025-11-12T10:00:00Z');

describe('seed 004 names', () => {
  test('models: {project}-v{version}-{date}-{base}, the seed\'s own example round-trips', () => {
    const name = modelName({ project: 'better-together-llm', version: '1.2', date: NOV_12, base: 'llama3.1-70b' });
    expect(name).toBe('better-together-llm-v1.2-20251112-llama3.1-70b');
    expect(parseModelName(name)).toEqual({ project: 'better-together-llm', version: '1.2', date: '20251112', base: 'llama3.1-70b' });
    expect(modelName({ project: 'Better Together LLM', version: '3', date: NOV_12, base: 'SmolLM2-135M Instruct' })).toBe('better-together-llm-v3-20251112-smollm2-135m-instruct');
    expect(() => modelName({ project: 'p', version: 'beta', date: NOV_12, base: 'b' })).toThrow('model version "beta" is not digits and dots');
    expect(parseModelName('relationship-coach')).toBeUndefined();
  });

  test('datasets: v{n}_{YYYYMMDD}, the next version after the highest with the same prefix', () => {
    expect(datasetName(1, NOV_12)).toBe('v1_20251112');
    expect(datasetName(1, NOV_12, 'train')).toBe('train_v1_20251112');
    expect(parseDatasetName('train_v1_20251112.jsonl')).toEqual({ prefix: 'train', version: 1, date: '20251112' });
    expect(parseDatasetName('export.jsonl')).toBeUndefined();
    expect(nextDatasetName(['v1_20251001.jsonl', 'v3_20251101.jsonl', 'train_v7_20251101.jsonl', 'notes.jsonl'], NOV_12)).toBe('v4_20251112');
    expect(nextDatasetName([], NOV_12, 'train')).toBe('train_v1_20251112');
    expect(() => datasetName(0, NOV_12)).toThrow('dataset version 0');
  });
});
