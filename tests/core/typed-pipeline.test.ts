import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { BUILTIN_STEPS } from '../../activities/registry.js';
import { REPO_ROOT } from '../support/paths.js';
import { expectedErrors } from '../support/typecheck.js';

const TYPES_FILE = path.join(REPO_ROOT, 'tests/core/typed-pipeline.types.ts');

describe('typed pipelines at compile time', () => {
  test('right steps compile; each marked wrong step fails for its own reason once its marker is removed', () => {
    const { clean, errors } = expectedErrors(TYPES_FILE, readFileSync(TYPES_FILE, 'utf8'));
    expect(clean).toEqual([]);
    expect([...errors.keys()].sort()).toEqual(['builtin', 'kind', 'option', 'output', 'required', 'value']);
    expect(errors.get('kind')).toMatch(/"filter-lenght"/);
    expect(errors.get('option')).toMatch(/'minimum' does not exist/);
    expect(errors.get('value')).toMatch(/'string' is not assignable to type 'number'/);
    expect(errors.get('required')).toMatch(/'path' is missing/);
    expect(errors.get('output')).toMatch(/"training"/);
    expect(errors.get('builtin')).toMatch(/'feild' does not exist/);
  });

  test('the type map of built-in kinds names exactly the kinds the registry runs', () => {
    const program = ts.createProgram([path.join(REPO_ROOT, 'activities/step-kinds.ts')], { noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(path.join(REPO_ROOT, 'core/dsl/pipeline.ts'))!;
    const map = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'BuiltinStepKinds')!;
    const names = checker.getTypeAtLocation(map.name).getProperties().map((p) => p.name);
    expect(names.sort()).toEqual(BUILTIN_STEPS.map((k) => k.kind).sort());
  });
});
