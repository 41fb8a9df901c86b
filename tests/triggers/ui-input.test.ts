import { describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { cli, testEnv } from '../support/harness.js';

/** What the Web UI needs: the workflow type, the task queue, and a JSON input its schema accepts. */
describe('Web UI inputs from the CLI', () => {
  test('pipelines --example gives the type, the queue and an input that --json-schema accepts', async () => {
    const env = await testEnv();
    const example = await cli(['pipelines', '--example', 'test-chain'], env);
    expect(example.code).toBe(0);
    const { workflowType, taskQueue, input } = JSON.parse(example.stdout) as { workflowType: string; taskQueue: string; input: Record<string, unknown> };
    expect({ workflowType, taskQueue }).toEqual({ workflowType: WORKFLOW_TYPE, taskQueue: CPU_QUEUE });
    expect(input).toEqual({ pipeline: 'test-chain', params: { length: 3, ms: 0, tag: '' } });

    const schema = await cli(['pipelines', '--json-schema', 'test-chain'], env);
    expect(schema.code).toBe(0);
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(schema.stdout) as object);
    expect(validate(input)).toBe(true);
    expect(validate({ pipeline: 'test-chain', params: { length: 2 }, options: { cache: false } })).toBe(true);
    expect(validate({ pipeline: 'test-chain', params: { length: 'two' } })).toBe(false);
    expect(validate({ pipeline: 'test-chain', params: { colour: 'red' } })).toBe(false);
    expect(validate({ pipeline: 'smoke', params: {} })).toBe(false);
  });

  test('a required param without a default shows as a placeholder to fill in', async () => {
    const example = await cli(['pipelines', '--example', 'test-gate'], await testEnv());
    expect(JSON.parse(example.stdout)).toMatchObject({ input: { pipeline: 'test-gate', params: { input: '<string>' } } });
  });
});
