import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './paths.js';

/** Type-checks one file (optionally with its source replaced) with the project's compiler options. */
export function diagnosticsOf(file: string, source?: string): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const options = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) =>
    source !== undefined && path.resolve(f) === file ? ts.createSourceFile(f, source, lang) : original(f, lang, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName) === file);
}

export const messageOf = (d: ts.Diagnostic): string => ts.flattenDiagnosticMessageText(d.messageText, ' ');

/**
 * For a file whose wrong lines are marked `// @ts-expect-error [tag] why`: the file compiles as it
 * is, and with the markers removed each marked line fails. Returns each tag's error messages.
 */
export function expectedErrors(file: string, text: string): { clean: string[]; errors: Map<string, string> } {
  const lines = text.split('\n');
  const tags = new Map<number, string>();
  lines.forEach((line, i) => {
    const m = /\/\/ @ts-expect-error \[(\w+)\]/.exec(line);
    if (m) tags.set(i + 1, m[1]!); // the line after the marker (0-based i + 1)
  });
  const stripped = lines.map((l) => (l.includes('@ts-expect-error') ? '' : l)).join('\n');
  const errors = new Map<string, string>();
  for (const d of diagnosticsOf(file, stripped)) {
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
    const tag = tags.get(line) ?? `untagged line ${line + 1}`;
    errors.set(tag, `${errors.get(tag) ?? ''} ${messageOf(d)}`.trim());
  }
  return { clean: diagnosticsOf(file).map(messageOf), errors };
}
