#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script, or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('forgeline: not built yet; run `npm run build` in the forgeline folder');
  process.exit(1);
}
await import(entry);
