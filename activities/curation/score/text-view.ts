import type { CuratedRecord } from '../../../schemas/records.js';

/** The parts of a record that scoring reads: the prompt side and the response side. */
export interface TextView {
  prompt: string;
  response: string;
  /** Chat turns (messages), for seed 004's "conversation turns". */
  turns?: number;
}

export function textView(r: CuratedRecord): TextView {
  switch (r.format) {
    case 'instruction':
      return { prompt: `${str(r.instruction)}\n${str(r.input)}`.trim(), response: str(r.output) };
    case 'chat': {
      const msgs = (r.messages as { role: string; content: string }[]) ?? [];
      return {
        prompt: msgs.filter((m) => m.role !== 'assistant').map((m) => m.content).join('\n\n'),
        response: msgs.filter((m) => m.role === 'assistant').map((m) => m.content).join('\n\n'),
        turns: msgs.filter((m) => m.role !== 'system').length,
      };
    }
    case 'completion':
      return { prompt: '', response: str(r.text) };
    case 'preference':
      return { prompt: r.prompt !== undefined ? str(r.prompt) : typeof r.input === 'string' ? r.input : JSON.stringify(r.input ?? ''), response: str(r.chosen) };
    case 'task':
      return { prompt: JSON.stringify(r.input ?? {}), response: str(r.output) };
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
}
