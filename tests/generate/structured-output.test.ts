import { describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { DEFAULT_LABELS, tlpFamily } from '../../activities/generate/families/classify.js';
import { allFamilies } from '../../activities/generate/families/index.js';
import { wireSchema } from '../../activities/generate/providers/anthropic.js';
import { classifyingReply, schemaProblem, type MessageBody } from '../support/fake-anthropic.js';
import { FAKE_KEY, generate, tlpConfig as tlp, useFakeAnthropic } from './helpers.js';

const slotOf = (body: MessageBody) => Number(/Example (\d+)/.exec(body.messages[0]!.content)?.[1] ?? -1);

const startFake = useFakeAnthropic();

describe('structured outputs: the schema the API accepts', () => {
  it('the fake refuses unsupported keywords with the API message, and accepts the transformed schema', async () => {
    const s = await startFake();
    const { fake } = s;
    const client = new Anthropic({ apiKey: FAKE_KEY, baseURL: s.env.ANTHROPIC_BASE_URL!, maxRetries: 0, logLevel: 'off' });
    const ask = (schema: Record<string, unknown>) =>
      client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Example 1: correct level is TLP:RED' }], output_config: { format: { type: 'json_schema', schema } } });
    const integer = { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'], additionalProperties: false };
    await expect(ask(integer)).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message: "output_config.format.schema: For 'integer' type, property 'minimum' is not supported" } } });
    // The TLP reply schema as the family declares it: string lengths are refused.
    await expect(ask(tlpFamily.replySchema('TLP:RED', DEFAULT_LABELS))).rejects.toMatchObject({ status: 400, error: { error: { message: "output_config.format.schema: For 'string' type, property 'maxLength' is not supported" } } });
    await expect(ask({ type: 'object', properties: { n: { type: 'number', minimum: 0, maximum: 1 } }, required: ['n'], additionalProperties: false })).rejects.toMatchObject({
      error: { error: { message: "output_config.format.schema: For 'number' type, properties maximum, minimum are not supported" } },
    });
    await expect(ask({ type: 'object', properties: { n: { type: 'integer' } } })).rejects.toMatchObject({ error: { error: { message: expect.stringContaining("'additionalProperties' must be explicitly set to false") } } });
    expect((await ask(wireSchema(integer))).stop_reason).toBe('end_turn');
    expect((await ask(wireSchema(tlpFamily.replySchema('TLP:RED', DEFAULT_LABELS)))).stop_reason).toBe('end_turn');
    expect(fake.stats.schemaRefusals).toBe(4);
  });

  it("every family's reply schema is sent in a form the API accepts, its dropped constraints kept in the description", () => {
    for (const f of allFamilies().values()) {
      const variants = f.name === 'text_classification' ? DEFAULT_LABELS : Object.keys(f.variants);
      for (const v of variants) {
        const schema = f.replySchema(v, DEFAULT_LABELS);
        const wire = wireSchema(schema);
        expect([f.name, v, schemaProblem(wire)]).toEqual([f.name, v, undefined]);
        // The SDK's own helpers (jsonSchemaOutputFormat, zodOutputFormat) send exactly this.
        expect(wire).toEqual(transformJSONSchema(schema));
      }
    }
    const tlpWire = wireSchema(tlpFamily.replySchema('TLP:RED', DEFAULT_LABELS)) as { properties: Record<string, Record<string, unknown>> };
    expect(tlpWire.properties.input).toEqual({ type: 'string', description: '{maxLength: 200}' });
    expect(Object.keys(tlpWire.properties)).toEqual(['input', 'output', 'reasoning']);
    // The family's own schema object is left whole: the engine validates replies against it.
    expect(tlpFamily.replySchema('TLP:RED', DEFAULT_LABELS)).toMatchObject({ properties: { input: { maxLength: 200 } } });
  });

  it('the TLP preset sends output_config.format with the transformed schema, and the API accepts every request (Messages and Batches)', async () => {
    const s = await startFake({ pollsUntilEnded: 1 });
    const { fake } = s;
    const run = await generate(tlp(10), s.env);
    expect(run.records).toHaveLength(10);
    expect(run.rejects).toHaveLength(0);
    const expected = transformJSONSchema(tlpFamily.replySchema('TLP:RED', DEFAULT_LABELS));
    expect(fake.stats.billed).toHaveLength(10);
    for (const { body } of fake.stats.billed) expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: expected } });
    expect(fake.stats.schemaRefusals).toBe(0);

    const batched = await generate(tlp(6, { anthropic: { mode: 'batch', pollIntervalMs: 5 } }), s.env);
    expect(batched.records).toHaveLength(6);
    expect((batched.metadata as { families: { tlp: { retried: object } } }).families.tlp.retried).toEqual({});
    for (const b of fake.batches.values()) for (const r of b.requests) expect(r.params.output_config?.format?.schema).toEqual(expected);
  });

  it('a reply that breaks a constraint the API cannot enforce is caught locally (reply_schema_mismatch), regenerated, then rejected', async () => {
    const calls: Record<number, number> = {};
    const long = 'x'.repeat(250);
    const s = await startFake({
      reply(body) {
        const slot = slotOf(body);
        calls[slot] = (calls[slot] ?? 0) + 1;
        const good = JSON.parse(classifyingReply(body)) as Record<string, unknown>;
        // Slot 3 breaks maxLength once, slot 4 every time.
        if ((slot === 3 && calls[slot] === 1) || slot === 4) return JSON.stringify({ ...good, input: long });
        return JSON.stringify(good);
      },
    });
    const { fake } = s;
    const run = await generate(tlp(10, { maxAttempts: 3 }), s.env);
    expect(run.records).toHaveLength(9);
    for (const r of run.records) expect(String(r.input).length).toBeLessThanOrEqual(200);
    expect(run.rejects).toHaveLength(1);
    expect(run.rejects[0]).toMatchObject({ line: 5, reason: 'reply_schema_mismatch' });
    expect(run.rejects[0]!.detail).toContain('must NOT have more than 200 characters');
    expect(run.metadata).toMatchObject({ kept: 9, rejected: 1, families: { tlp: { rejected: { reply_schema_mismatch: 1 }, retried: { reply_schema_mismatch: 3 } } } });
    expect(calls[3]).toBe(2);
    expect(calls[4]).toBe(3);
    expect(fake.stats.schemaRefusals).toBe(0);
  });

  it('a request the API refuses (400) is not retried, and its reject says why', async () => {
    const s = await startFake({ messageOutcome: (_n, body) => (slotOf(body) === 2 ? { kind: 'status', status: 400 } : { kind: 'ok' }) });
    const { fake } = s;
    const run = await generate(tlp(5, { maxAttempts: 1 }), s.env);
    expect(run.rejects).toHaveLength(1);
    expect(run.rejects[0]).toMatchObject({ reason: 'provider_error', detail: 'messages.create: HTTP 400 invalid_request_error: fake invalid_request_error' });
    expect(fake.stats.messageStatuses['400']).toBe(1);
    expect((run.metadata as { httpRetries: number }).httpRetries).toBe(0);
  });
});
