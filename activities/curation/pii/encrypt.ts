import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { loadConfig } from '../../../core/config.js';
import { PipelineError } from '../../../core/errors.js';
import type { PiiOptions } from './options.js';

/**
 * The `encrypt` operator: AES-256-GCM under a key from the environment (FORGELINE_PII_KEY, read
 * through core/config.ts), so that whoever holds the key can restore a value and nobody else can.
 * A token is `[ENC:<TYPE>:<base64url of iv | ciphertext | tag>]`; the type is the GCM additional
 * data, so a token pasted under another type fails to decrypt.
 */
const IV_BYTES = 12; // NIST SP 800-38D's recommended GCM nonce length
const TAG_BYTES = 16;
const TOKEN = /\[ENC:([A-Z_]+):([A-Za-z0-9_-]+)\]/g;
export const PII_KEY_ENV = 'FORGELINE_PII_KEY';

/** The 32-byte key from 64 hex digits or base64 (`openssl rand -hex 32`); the message never holds the value. */
export function parsePiiKey(raw: string | undefined): Buffer {
  if (raw === undefined || raw.trim() === '') {
    throw new PipelineError('CONFIG', `${PII_KEY_ENV} is not set: the pii encrypt operator needs a 32-byte AES-256 key, as 64 hex digits or base64 (e.g. \`openssl rand -hex 32\`)`);
  }
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!key || key.length !== 32) {
    const got = key ? `base64 that decodes to ${key.length} bytes` : `${text.length} characters that are neither hex nor base64`;
    throw new PipelineError('CONFIG', `${PII_KEY_ENV} must be a 32-byte key written as 64 hex digits or as base64; got ${got}`);
  }
  return key;
}

/** Whether any rule of these options encrypts, so the key is demanded only when it is used. */
export function usesEncrypt(options: Pick<PiiOptions, 'operator' | 'operators' | 'fields'>): boolean {
  return options.operator === 'encrypt' || Object.values(options.operators).includes('encrypt') || Object.values(options.fields).some((f) => f.operator === 'encrypt');
}

/** The key of this process's configuration (throws a CONFIG error when missing or malformed). */
export function configuredPiiKey(): Buffer {
  return parsePiiKey(loadConfig().piiKey);
}

export function encryptValue(key: Buffer, label: string, value: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return `[ENC:${label}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}]`;
}

/** Restores every `[ENC:…]` token of a text; a wrong key or an altered token throws. */
export function decryptText(key: Buffer, text: string): string {
  return text.replace(TOKEN, (_m, label: string, b64: string) => {
    const raw = Buffer.from(b64, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new PipelineError('INVALID_INPUT_DATA', `pii token [ENC:${label}:…] is too short to be an AES-GCM token`);
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(label));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new PipelineError('INVALID_INPUT_DATA', `pii token [ENC:${label}:…] does not decrypt under ${PII_KEY_ENV}: another key, or an altered token`);
    }
  });
}
