import { defineQuery } from '@temporalio/workflow';
import type { RunState } from '../core/run-state.js';

/** Queries and signals, defined once; the CLI and client import these same objects. */
export const statusQuery = defineQuery<RunState>('status');
