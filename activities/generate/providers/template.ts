import type { GenRequest, Provider, ProviderIO } from './types.js';

/** Deterministic generators: no model, no cost; the reply is computed from the slot's seed. */
export class TemplateProvider implements Provider {
  readonly name = 'template' as const;
  readonly priceFactor = 1;
  readonly model = 'template';

  async run(requests: GenRequest[], io: ProviderIO): Promise<void> {
    for (const req of requests) {
      if (io.signal.aborted) throw io.signal.reason ?? new Error('cancelled');
      const admitted = io.admit(req);
      if (!admitted.ok) return;
      if (!req.templateReply) throw new Error(`family ${req.family} has no template generator`);
      await io.onResult({ id: req.id, ok: true, text: JSON.stringify(req.templateReply()), inputTokens: 0, outputTokens: 0 }, admitted.token);
    }
  }

  async close(): Promise<void> {}
}
