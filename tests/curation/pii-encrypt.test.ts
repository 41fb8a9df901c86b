import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decryptText, parsePiiKey } from '../../activities/curation/pii/encrypt.js';
import { curated, runStage, tempDir } from './support/stage.js';

const KEY_HEX = randomBytes(32).toString('hex');
const TEXT = 'Email ana.silva@example.org, passport number 912803456, I work at Acme Robotics.';

let home: string;
let input: string;
beforeAll(async () => {
  const dir = await tempDir();
  home = await tempDir('forgeline-cur-home-');
  input = await curated(dir, 'pii', [{ instruction: 'Contact?', input: '', output: TEXT }], home);
});

/** Runs the stage with FORGELINE_PII_KEY set to `key` (unset when undefined), as a worker would see it. */
async function withKey<T>(key: string | undefined, f: () => Promise<T>): Promise<T> {
  const before = process.env.FORGELINE_PII_KEY;
  if (key === undefined) delete process.env.FORGELINE_PII_KEY;
  else process.env.FORGELINE_PII_KEY = key;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env.FORGELINE_PII_KEY;
    else process.env.FORGELINE_PII_KEY = before;
  }
}

describe('pii encrypt operator (AES-256-GCM, key from FORGELINE_PII_KEY)', () => {
  it('encrypts every finding so that the key restores the text, and nothing else does', async () => {
    const run = await withKey(KEY_HEX, () => runStage('pii', input, { operator: 'encrypt' }, home));
    const [rec] = await run.records<{ output: string }>('records');
    const out = rec!.output;
    expect(out).not.toContain('ana.silva');
    expect(out).not.toContain('912803456');
    expect(out).not.toContain('Acme');
    expect(out).toMatch(/^Email \[ENC:EMAIL:[\w-]+\], passport number \[ENC:PASSPORT:[\w-]+\], I work at \[ENC:WORKPLACE:[\w-]+\]\.$/);
    expect(decryptText(parsePiiKey(KEY_HEX), out)).toBe(TEXT);
    // Base64 of the same key works too; another key, or a token moved to another type, fails authentication.
    expect(decryptText(parsePiiKey(Buffer.from(KEY_HEX, 'hex').toString('base64')), out)).toBe(TEXT);
    expect(() => decryptText(parsePiiKey(randomBytes(32).toString('hex')), out)).toThrow(/does not decrypt under FORGELINE_PII_KEY/);
    expect(() => decryptText(parsePiiKey(KEY_HEX), out.replace('[ENC:EMAIL:', '[ENC:PASSPORT:'))).toThrow(/does not decrypt/);
  });

  it('refuses to run without a key, or with a malformed one, and the message never holds the key', async () => {
    await expect(withKey(undefined, () => runStage('pii', input, { operator: 'encrypt' }, home))).rejects.toThrow(/FORGELINE_PII_KEY is not set/);
    const short = 'abcdef0123456789';
    const err = await withKey(short, () => runStage('pii', input, { operators: { email: 'encrypt' } }, home)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/FORGELINE_PII_KEY must be a 32-byte key written as 64 hex digits or as base64; got base64 that decodes to 12 bytes/);
    expect((err as Error).message).not.toContain(short);
    await expect(withKey('not a key!', () => runStage('pii', input, { operator: 'encrypt' }, home))).rejects.toThrow(/neither hex nor base64/);
    // A run that never encrypts does not need the key.
    await expect(withKey('not a key!', () => runStage('pii', input, {}, home))).resolves.toBeDefined();
  });
});
