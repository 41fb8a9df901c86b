import { z } from 'zod';
import type { AnyStepKind } from '../core/dsl/step-kind.js';

interface OptionSchema {
  type?: string;
  default?: unknown;
  description?: string;
  enum?: unknown[];
}

/** `forgeline stage <name> --help`: what the stage does, what --in/--out map to, and its --config options. */
export function stageHelp(kind: AnyStepKind, usage: string): string {
  const io = (spec: Record<string, unknown>, main: string | undefined) => Object.keys(spec).map((n) => (n === main ? `${n} (main)` : n)).join(', ') || 'none';
  const lines = [
    `usage: forgeline ${usage.replace('<name>', kind.kind)}`,
    '',
    `${kind.kind}: ${kind.description}`,
    `inputs: ${io(kind.inputs, kind.cli?.in ?? Object.keys(kind.inputs)[0])}`,
    `outputs: ${io(kind.outputs, kind.cli?.out ?? Object.keys(kind.outputs)[0])}`,
  ];
  let schema: { properties?: Record<string, OptionSchema> } | undefined;
  try {
    schema = z.toJSONSchema(kind.options, { io: 'input', unrepresentable: 'any' }) as typeof schema;
  } catch {
    // A schema that JSON Schema cannot express (a transform): the options are then documented in docs/stages.
  }
  const props = Object.entries(schema?.properties ?? {});
  if (props.length > 0) {
    lines.push('', '--config options (JSON):');
    for (const [name, p] of props) {
      const type = p.enum ? p.enum.map((v) => JSON.stringify(v)).join('|') : (p.type ?? 'object');
      const dflt = p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : '';
      lines.push(`  ${name}: ${type}${dflt}${p.description ? `  ${p.description}` : ''}`);
    }
  }
  return lines.join('\n');
}
