/**
 * The largest run params accepted, as UTF-8 JSON. Params travel in the workflow's input, in its
 * history and in the plan each workflow task carries; past a few MB a task no longer fits in
 * Temporal's 4 MB gRPC message and the run hangs in RUNNING. Data belongs in files (or artifacts)
 * that params name, never inline. Workflow-safe: no Node built-ins.
 */
export const MAX_PARAMS_BYTES = 256 * 1024;

/** Why these params are refused, or undefined when they fit. */
export function oversizedParams(params: unknown): string | undefined {
  const bytes = utf8Length(JSON.stringify(params ?? {}));
  if (bytes <= MAX_PARAMS_BYTES) return undefined;
  return `params are ${bytes} bytes as JSON, over the ${MAX_PARAMS_BYTES}-byte limit (${MAX_PARAMS_BYTES / 1024} KB): pass data by reference (a file path under the input roots, or an artifact) instead of inline in params`;
}

/** UTF-8 length of a string without Buffer or TextEncoder (the workflow sandbox lacks the former). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
