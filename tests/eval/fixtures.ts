import path from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/** Hand-made files in lm-evaluation-harness's formats (tests/fixtures/eval/, not compiled). */
export const fixture = (name: string): string => path.join(REPO_ROOT, 'tests/fixtures/eval', name);
