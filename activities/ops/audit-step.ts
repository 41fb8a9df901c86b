import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { Audit } from './audit.js';
import { dateStamp, readCorpus } from './corpus.js';
import { CATEGORY_TARGETS, LAYOUT, MAX_SYNTHETIC_SHARE, QUALITY_THRESHOLD } from './seed004.js';

const options = z
  .object({
    root: z.string().min(1).describe('the seed 004 data folder'),
    tolerance: z.number().min(0).max(1).default(0.05).describe('a category is off target when its share is further than this from seed 004\'s 40/25/20/10/5'),
    maxSyntheticShare: z.number().min(0).max(1).default(MAX_SYNTHETIC_SHARE).describe('seed 004 line 76: max 30% synthetic in any batch (a processed_data file)'),
    qualityThreshold: z.number().min(0).max(10).default(QUALITY_THRESHOLD).describe('seed 004 line 57: minimum quality score'),
    failOnFindings: z.boolean().default(false).describe('fail the run when the audit finds anything (default: report only)'),
  })
  .strict();

/**
 * Seed 004's monthly bias audit, distribution check and quality report (lines 326, 329): category
 * balance of processed_data/ against the 40/25/20/10/5 targets (lines 34-38), the source mix, the
 * synthetic share of every batch, and the quality scores. The report is stored and also written
 * to `logs/audit_YYYYMMDD.json`; its findings are stable codes in the step's metadata.
 */
export const opsAuditStep = defineStep({
  kind: 'ops-audit',
  description: 'Monthly distribution, bias and quality audit of the processed data (seed 004)',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options,
  paths: { root: 'write' },
  cache: false,
  async run(ctx, _inputs, o) {
    const audit = new Audit({ targets: CATEGORY_TARGETS, tolerance: o.tolerance, maxSyntheticShare: o.maxSyntheticShare, qualityThreshold: o.qualityThreshold });
    for await (const r of readCorpus(o.root, [LAYOUT.processed])) audit.add(r);
    const report = { auditedAt: new Date().toISOString(), ...audit.report() };
    const stored = await writeJsonArtifact(ctx.store, report, 'report', 'ops-audit');
    const logFile = path.join(o.root, LAYOUT.logs, `audit_${dateStamp(new Date())}.json`);
    await fs.mkdir(path.dirname(logFile), { recursive: true });
    await fs.writeFile(logFile, JSON.stringify(report, null, 2) + '\n');
    if (o.failOnFindings && !report.ok) {
      throw new PipelineError('INVALID_INPUT_DATA', `audit_failed: ${report.findings.join(', ')}. Report: ${logFile}`, report.findings.map((f) => ({ path: 'audit', message: f })));
    }
    return {
      outputs: { report: stored },
      metadata: { records: report.records, ok: report.ok, findings: report.findings, qualityMean: report.quality.mean, reportFile: logFile },
    };
  },
});
