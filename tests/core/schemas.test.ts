import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PUBLISHED_SCHEMAS } from '../../schemas/index.js';
import { renderSchema } from '../../schemas/generate.js';
import { REPO_ROOT } from '../support/paths.js';

describe('published JSON Schemas', () => {
  it.each(Object.keys(PUBLISHED_SCHEMAS))('schemas/json/%s.schema.json matches its zod source', async (name) => {
    const committed = await readFile(path.join(REPO_ROOT, 'schemas/json', `${name}.schema.json`), 'utf8');
    expect(committed).toBe(renderSchema(PUBLISHED_SCHEMAS[name]!));
  });

  it('the workflow-input schema accepts the Web UI example and rejects unknown fields', async () => {
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas/json/workflow-input.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate({ pipeline: 'smoke', params: { minChars: 3 } })).toBe(true);
    expect(validate({ pipeline: 'smoke', parms: {} })).toBe(false);
  });
});
