import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cli, testEnv } from '../support/harness.js';
import { curated, runStage, tempDir } from './support/stage.js';

interface Rec {
  id: string;
  instruction: string;
  input: string;
  output: string;
  provenance: { line: number };
  [k: string]: unknown;
}

const SECRETS = [
  'ana.silva@example.org', '+1 (415) 555-2671', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', '123-45-6789', '192.168.1.20',
  '2001:db8::8a2e:370:7334', '00:1A:2B:3C:4D:5E', '1600 Pennsylvania Ave NW', 'Sarah Johnson', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'AKIAIOSFODNN7EXAMPLE', 'hunter2',
];
const PII_TEXT =
  'Email ana.silva@example.org or call +1 (415) 555-2671. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789. ' +
  'Server 192.168.1.20, v6 2001:db8::8a2e:370:7334, mac 00:1A:2B:3C:4D:5E. Lives at 1600 Pennsylvania Ave NW, Washington, DC 20500. ' +
  'My partner Sarah Johnson said hi to John. Key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 and AKIAIOSFODNN7EXAMPLE, db postgres://admin:hunter2@db.internal:5432/app';
const DECOYS =
  "On 2024-01-15 at 10:30:45 the price was $1,299.99 (15% off). Version 1.2.3.4 shipped; order 4111111111111112 failed. ISBN 978-3-16-148410-0. TLP:AMBER+STRICT. MATCH (p:Person {name: 'Ana'}) RETURN p.name";

let dir: string;
let home: string;
let input: string;
beforeAll(async () => {
  dir = await tempDir();
  home = await tempDir('forgeline-cur-home-');
  input = await curated(
    dir,
    'pii',
    [
      { instruction: 'Contact details?', input: '', output: PII_TEXT },
      { instruction: 'Decoys', input: '', output: DECOYS },
      { instruction: 'Who wrote?', input: 'Sarah Johnson wrote from ana.silva@example.org', output: 'Sarah Johnson did.' },
      { messages: [{ role: 'user', content: 'I am John, mail john@corp.example' }, { role: 'assistant', content: 'Hi!' }] },
      { task: 'text_to_json', input: { text: 'Ana at ana.silva@example.org' }, output: '{"email":"ana.silva@example.org"}' },
    ],
    home,
  );
});

describe('pii stage', () => {
  it('replaces every finding with typed placeholders, people by the role their cues give, and leaves decoys untouched', async () => {
    const run = await runStage('pii', input, {}, home);
    const out = await run.records<Rec>('records');
    expect(out[0]!.output).toBe(
      'Email [EMAIL] or call [PHONE]. Card [CREDIT_CARD], IBAN [IBAN], SSN [SSN]. Server [IP_ADDRESS], v6 [IP_ADDRESS], mac [MAC_ADDRESS]. ' +
        // Issue 19, defect 8: the partner is the one "my partner" names, not the first name seen.
        'Lives at [ADDRESS]. My partner [Partner] said hi to [Person 1]. Key [SECRET] and [SECRET], db [SECRET]/app',
    );
    expect(out[1]!.output).toBe(DECOYS);
    expect(out[1]!.id).toBe(out[1]!.id);
    expect(out[2]!.input).toBe('[Person 1] wrote from [EMAIL]');
    expect(out[2]!.output).toBe('[Person 1] did.');
    expect((out[3]!.messages as { content: string }[])[0]!.content).toBe('I am [User], mail [EMAIL]');
    expect((out[4]!.input as unknown as { text: string }).text).toBe('[Person 1] at [EMAIL]');
    const text = JSON.stringify(out);
    for (const s of SECRETS) expect(text).not.toContain(s);
    const findings = run.metadata.findings as Record<string, number>;
    expect(findings).toMatchObject({ email: 5, phone: 1, credit_card: 1, iban: 1, ssn: 1, ipv4: 1, ipv6: 1, mac_address: 1, street_address: 1, secret: 3 });
    expect(run.metadata.recordsWithFindings).toBe(4);
  });

  it('assigns [User] and [Partner] from the cues anywhere in the record, and neutral numbered placeholders to everyone else (seed 004)', async () => {
    const rows = [
      { instruction: 'My partner John said hi to Sarah. Why did John do that?', input: '', output: 'Ask John what Sarah means to him.' },
      { instruction: 'Michael forgot our anniversary again. How do I raise it?', input: "Context: Michael is my husband; I'm Emma.", output: 'Tell Michael how it felt, Emma, and ask David to give you both an evening.' },
      { messages: [{ role: 'user', content: 'Hi, my name is Olivia. My boyfriend David never calls.' }, { role: 'assistant', content: 'Olivia, have you told David how you feel?' }] },
      { instruction: 'Mary and my wife Sarah argue. What now?', input: '', output: 'Listen to Sarah first, then to Mary.' },
    ];
    const file = await curated(dir, 'roles', rows, home);
    const out = await (await runStage('pii', file, { types: ['person'] }, home)).records<Rec>('records');
    expect([out[0]!.instruction, out[0]!.output]).toEqual(['My partner [Partner] said hi to [Person 1]. Why did [Partner] do that?', 'Ask [Partner] what [Person 1] means to him.']);
    expect([out[1]!.instruction, out[1]!.input, out[1]!.output]).toEqual([
      '[Partner] forgot our anniversary again. How do I raise it?',
      "Context: [Partner] is my husband; I'm [User].",
      'Tell [Partner] how it felt, [User], and ask [Person 1] to give you both an evening.',
    ]);
    expect((out[2]!.messages as { content: string }[]).map((m) => m.content)).toEqual(['Hi, my name is [User]. My boyfriend [Partner] never calls.', '[User], have you told [Partner] how you feel?']);
    expect(out[3]!.instruction).toBe('[Person 1] and my wife [Partner] argue. What now?');
    expect(out[3]!.output).toBe('Listen to [Partner] first, then to [Person 1].');
  });

  it('scans metadata at any depth unless a field rule opts it out (issue 24)', async () => {
    const file = await curated(dir, 'meta', [{ instruction: 'Q', input: '', output: 'A.', metadata: { category: 'advice', contact: 'ana.silva@example.org', extra: { notes: ['call +1 (415) 555-2671'] } } }], home);
    const [rec] = await (await runStage('pii', file, {}, home)).records<Rec>('records');
    expect(rec!.metadata).toEqual({ category: 'advice', contact: '[EMAIL]', extra: { notes: ['call [PHONE]'] } });
    const [kept] = await (await runStage('pii', file, { fields: { metadata: { skip: true } } }, home)).records<Rec>('records');
    expect((kept!.metadata as { contact: string }).contact).toBe('ana.silva@example.org');
  });

  it('writes a report of counts per type that never contains a value', async () => {
    const run = await runStage('pii', input, { operator: 'hash', salt: 'test-salt' }, home);
    const report = await run.text('report');
    for (const s of SECRETS) expect(report).not.toContain(s);
    expect(JSON.stringify(run.metadata)).not.toContain('example.org');
    const parsed = JSON.parse(report) as { findings: Record<string, number>; total: number; kept: number };
    expect(parsed.total).toBe(5);
    expect(parsed.findings.email).toBe(5);
  });

  it('pseudonymises consistently (same value, same fake, across records and threads) and hashes with the salt', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ instruction: `q${i}`, input: '', output: `Contact ${i % 2 ? 'ana.silva@example.org' : 'bob@example.net'} now.` }));
    const many = await curated(dir, 'many', rows, home);
    const one = await runStage('pii', many, { operator: 'pseudonym', salt: 's1', threads: 1 }, home);
    const two = await runStage('pii', many, { operator: 'pseudonym', salt: 's1', threads: 2 }, home);
    expect(two.outputs.records!.sha256).toBe(one.outputs.records!.sha256);
    const out = await one.records<Rec>('records');
    const fakeAna = /Contact (\S+) now/.exec(out[1]!.output)![1]!;
    const fakeBob = /Contact (\S+) now/.exec(out[0]!.output)![1]!;
    expect(fakeAna).toMatch(/@example\.com$/);
    expect(fakeAna).not.toBe(fakeBob);
    for (let i = 1; i < out.length; i += 2) expect(out[i]!.output).toBe(`Contact ${fakeAna} now.`);
    const otherSalt = await (await runStage('pii', many, { operator: 'pseudonym', salt: 's2', threads: 1 }, home)).records<Rec>('records');
    expect(otherSalt[1]!.output).not.toBe(out[1]!.output);
    const hashed = await (await runStage('pii', input, { operator: 'hash', salt: 's1', types: ['email'] }, home)).records<Rec>('records');
    expect(hashed[0]!.output).toMatch(/^Email \[EMAIL:[0-9a-f]{12}\] or call \+1 \(415\) 555-2671\./);
    expect(hashed[2]!.input).toContain(/\[EMAIL:[0-9a-f]{12}\]/.exec(hashed[0]!.output)![0]);
  });

  it('masks, keeping the last four digits of cards', async () => {
    const out = await (await runStage('pii', input, { operator: 'mask', types: ['credit_card', 'email'] }, home)).records<Rec>('records');
    expect(out[0]!.output).toContain('Card **** **** **** 1111,');
    expect(out[0]!.output).toContain('Email ***.*****@*******.*** or');
  });

  it('drops records by type operator, with a reason and the source line, and counts them', async () => {
    const run = await runStage('pii', input, { operators: { secret: 'drop' } }, home);
    expect(run.metadata).toMatchObject({ total: 5, kept: 4, rejected: 1, dropped: { pii_found: 1 } });
    const [rej] = await run.records<{ reason: string; line: number; detail: string }>('rejects');
    expect(rej).toMatchObject({ reason: 'pii_found', line: 1, detail: 'drop operator: secret' });
    expect(JSON.stringify(rej)).not.toContain('hunter2');
  });

  it('applies per-field rules and allow-lists', async () => {
    const run = await runStage('pii', input, { fields: { output: { skip: true }, input: { types: ['email'] } }, allow: ['john@corp.example'] }, home);
    const out = await run.records<Rec>('records');
    expect(out[0]!.output).toBe(PII_TEXT);
    expect(out[2]!.input).toBe('Sarah Johnson wrote from [EMAIL]');
    expect((out[3]!.messages as { content: string }[])[0]!.content).toBe('I am [User], mail john@corp.example');
    expect(out[4]!.output).toBe('{"email":"ana.silva@example.org"}');
  });

  it('logs no PII value, even at debug level, through the CLI', async () => {
    const env = await testEnv({ FORGELINE_LOG_LEVEL: 'debug' });
    const res = await cli(['stage', 'pii', '--in', input, '--out', path.join(dir, 'cli-pii.jsonl'), '--rejects', path.join(dir, 'cli-pii-rej.jsonl')], env);
    expect(res.code).toBe(0);
    for (const s of SECRETS) {
      expect(res.stdout).not.toContain(s);
      expect(res.stderr).not.toContain(s);
    }
    expect(JSON.parse(res.stdout)).toMatchObject({ stage: 'pii', total: 5, kept: 5 });
    expect(await fs.readFile(path.join(dir, 'cli-pii.jsonl'), 'utf8')).not.toContain('ana.silva@example.org');
  });
});
