import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ApprovalDecision, RunState } from '../core/workflow-safe/run-state.js';

/** Queries and signals, defined once; the CLI and client import these same objects. */
export const statusQuery = defineQuery<RunState>('status');

/** Decides a waiting approval step: `npx forgeline approve|reject <run> <step>` sends it. */
export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');
