import { PipelineError } from '../../core/errors.js';

/** USD per million tokens. */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * List prices (USD per million tokens) from Anthropic's pricing page; override or extend with the
 * step's `prices` option. Message Batches cost `batchDiscount` (0.5) of these.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku-latest': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

export interface Usage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

const zero = (): Usage => ({ requests: 0, inputTokens: 0, outputTokens: 0, usd: 0 });

export interface BudgetLimits {
  maxUsd?: number | undefined;
  maxRequests?: number | undefined;
}

/**
 * Token and cost accounting with a hard limit. A request is admitted only if its worst case
 * (estimated input plus `max_tokens` of output) fits in what is left after everything spent and
 * everything still in flight; so the bill can never pass `maxUsd`, even with many requests open.
 */
export class Budget {
  readonly total: Usage = zero();
  readonly perFamily: Record<string, Usage> = {};
  private reservedUsd = 0;
  private reservedRequests = 0;
  stoppedBy: 'maxUsd' | 'maxRequests' | undefined;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly price: Price | undefined,
    private readonly discount = 1,
  ) {
    if (limits.maxUsd !== undefined && !price) {
      throw new PipelineError('CONFIG', 'maxUsd is set but the model has no price; add it to the `prices` option', [{ path: 'options.prices', message: 'missing price for the model' }]);
    }
  }

  cost(inputTokens: number, outputTokens: number): number {
    if (!this.price) return 0;
    return ((inputTokens * this.price.inputPerMTok + outputTokens * this.price.outputPerMTok) / 1e6) * this.discount;
  }

  /** Reserves the worst case of one request; false (and `stoppedBy` set) when it does not fit. */
  admit(worstInputTokens: number, maxOutputTokens: number): { ok: true; reservedUsd: number } | { ok: false } {
    if (this.stoppedBy) return { ok: false };
    const { maxRequests, maxUsd } = this.limits;
    if (maxRequests !== undefined && this.total.requests + this.reservedRequests + 1 > maxRequests) {
      this.stoppedBy = 'maxRequests';
      return { ok: false };
    }
    const worst = this.cost(worstInputTokens, maxOutputTokens);
    if (maxUsd !== undefined && this.total.usd + this.reservedUsd + worst > maxUsd + 1e-12) {
      this.stoppedBy = 'maxUsd';
      return { ok: false };
    }
    this.reservedUsd += worst;
    this.reservedRequests++;
    return { ok: true, reservedUsd: worst };
  }

  /** Settles a reservation with the real usage (a request that never reached the API passes zeros). */
  settle(reservedUsd: number, family: string, inputTokens: number, outputTokens: number, billed = true): void {
    this.reservedUsd = Math.max(0, this.reservedUsd - reservedUsd);
    this.reservedRequests = Math.max(0, this.reservedRequests - 1);
    if (billed) this.record(family, inputTokens, outputTokens);
  }

  /** Usage replayed from the journal of an earlier attempt. */
  record(family: string, inputTokens: number, outputTokens: number): void {
    const usd = this.cost(inputTokens, outputTokens);
    for (const u of [this.total, (this.perFamily[family] ??= zero())]) {
      u.requests++;
      u.inputTokens += inputTokens;
      u.outputTokens += outputTokens;
      u.usd += usd;
    }
  }

  snapshot(): { total: Usage; perFamily: Record<string, Usage>; stoppedBy: string | null } {
    const round = (u: Usage): Usage => ({ ...u, usd: Math.round(u.usd * 1e6) / 1e6 });
    return {
      total: round(this.total),
      perFamily: Object.fromEntries(Object.entries(this.perFamily).map(([k, v]) => [k, round(v)])),
      stoppedBy: this.stoppedBy ?? null,
    };
  }
}

/** A conservative token estimate for a prompt before it is sent (2 characters per token; English runs 3-4). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 2) + 16;
}
