import { pino, type Logger } from 'pino';

/**
 * Structured logs. Keys that can hold secrets are redacted wherever they appear, and step code
 * logs counts and ids, never record text (records may hold PII).
 */
const REDACT_PATHS = [
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'token', '*.token', 'authorization', '*.authorization',
  'headers.authorization', 'headers["x-api-key"]', '*.headers["x-api-key"]', 'password', '*.password',
  'ANTHROPIC_API_KEY', '*.ANTHROPIC_API_KEY', 'secret', '*.secret',
];

export type { Logger };

export function createLogger(options: { level?: string; name?: string; destination?: number | string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'forgeline',
      level: options.level ?? process.env.FORGELINE_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: undefined,
    },
    pino.destination({ dest: options.destination ?? 2, sync: true, mkdir: typeof options.destination === 'string' }),
  );
}

/** Every line a step writes carries its run and step. */
export function stepLogger(parent: Logger, runId: string, stepId: string, kind: string): Logger {
  return parent.child({ runId, stepId, kind });
}
