import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { piiOptionsSchema } from '../curation/pii/options.js';
import { createScanner } from '../curation/pii/scan.js';
import { PII_TYPES } from '../curation/pii/types.js';
import { dateStamp, readCorpus, stringFields } from './corpus.js';
import { LAYOUT } from './seed004.js';

/** One leak: where, which field, which type. Never the value: the report must not become a second leak. */
export interface Leak {
  file: string;
  line: number;
  field: string;
  type: string;
}

export interface PiiScanReport {
  scannedAt: string;
  folders: string[];
  files: number;
  records: number;
  leaks: number;
  byType: Record<string, number>;
  findings: Leak[];
}

const options = z
  .object({
    root: z.string().min(1).describe('the seed 004 data folder (raw_data/, processed_data/, synthetic_data/, logs/, archive/)'),
    folders: z.array(z.string().min(1)).min(1).default([LAYOUT.processed, LAYOUT.synthetic]).describe('folders scanned (seed 004 line 315: processed and synthetic data)'),
    types: z.array(z.enum(PII_TYPES)).default([...PII_TYPES]).describe('detectors run'),
    allow: z.array(z.string()).default(['[User]', '[Partner]']).describe('values that are not leaks (the seed\'s own pseudonyms)'),
    maxListed: z.number().int().positive().default(1000).describe('findings listed in the report (all are counted)'),
  })
  .strict();

/**
 * Seed 004's daily "Check for PII leaks (automated scan)" (line 315): every string field at any
 * depth of every record in the processed and synthetic data goes through the PII detectors. The
 * report (file, line, field, type; never the value) is stored and also written to
 * `logs/pii_scan_YYYYMMDD.json`; any leak then fails the step, and so the run: the alert is a failed
 * run in the Web UI, with the count and the report's path in its failure message.
 */
export const opsPiiScanStep = defineStep({
  kind: 'ops-pii-scan',
  description: 'Scan the processed and synthetic data for PII; a leak fails the run and writes a report',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options,
  paths: { root: 'write' },
  // The answer depends on the folder's contents now, not on any input: never served from the cache.
  cache: false,
  async run(ctx, _inputs, o) {
    const scanner = createScanner(piiOptionsSchema.parse({ types: o.types, allow: o.allow }));
    const types = new Set(o.types);
    const report: PiiScanReport = { scannedAt: new Date().toISOString(), folders: o.folders, files: 0, records: 0, leaks: 0, byType: {}, findings: [] };
    const files = new Set<string>();
    for await (const r of readCorpus(o.root, o.folders)) {
      files.add(r.file);
      report.records++;
      for (const { field, text } of stringFields(r.value)) {
        for (const f of scanner.scan(text, types)) {
          report.leaks++;
          report.byType[f.type] = (report.byType[f.type] ?? 0) + 1;
          if (report.findings.length < o.maxListed) report.findings.push({ file: r.file, line: r.line, field, type: f.type });
        }
      }
      if (report.records % 1000 === 0) ctx.heartbeat({ done: report.records, unit: 'records' });
    }
    report.files = files.size;
    const stored = await writeJsonArtifact(ctx.store, report, 'report', 'pii-scan');
    const logFile = path.join(o.root, LAYOUT.logs, `pii_scan_${dateStamp(new Date())}.json`);
    await fs.mkdir(path.dirname(logFile), { recursive: true });
    await fs.writeFile(logFile, JSON.stringify(report, null, 2) + '\n');
    if (report.leaks > 0) {
      const first = report.findings.slice(0, 5).map((l) => `${l.file}:${l.line} ${l.field} (${l.type})`).join('; ');
      throw new PipelineError(
        'INVALID_INPUT_DATA',
        `pii_leak: ${report.leaks} PII finding(s) in ${new Set(report.findings.map((l) => l.file)).size} file(s) of ${o.folders.join(', ')}: ${first}${report.leaks > 5 ? '; ...' : ''}. Report: ${logFile}`,
        report.findings.slice(0, 20).map((l) => ({ path: `${l.file}:${l.line} ${l.field}`, message: `pii_leak:${l.type}` })),
      );
    }
    return { outputs: { report: stored }, metadata: { files: report.files, records: report.records, leaks: 0, reportFile: logFile } };
  },
});
