#!/usr/bin/env node
// `npm test`: typecheck, lint (ESLint per package; knip and the root scripts' ESLint as
// `lint:repo`) and test every package and the root scripts through turbo, then one summary: counts, and
// which optional suites were skipped and how to enable them. Under CI=true nothing optional
// is skipped: the suites themselves fail when PostgreSQL or Chromium is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['.', 'shared', 'verify-portal', 'device-app'];
const reportOf = (pkg) => path.join(root, pkg, 'test-results', 'vitest.json');
for (const pkg of packages) rmSync(reportOf(pkg), { force: true });

const turbo = spawnSync(path.join(root, 'node_modules', '.bin', 'turbo'), ['run', 'typecheck', 'lint', 'lint:repo', 'test', 'test:scripts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  if (!existsSync(reportOf(pkg))) continue;
  const report = JSON.parse(readFileSync(reportOf(pkg), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}

console.log('');
if (!process.env.PAIRGATE_TEST_DATABASE_URL) {
  console.log('Skipped: the PostgreSQL suites (store contract, end to end). Enable them with');
  console.log('  source scripts/pg-throwaway.sh   # or: export PAIRGATE_TEST_DATABASE_URL=postgres://user@host:port/db');
}
// The same places verify-portal/test/support/browser.ts looks.
const chromiums = process.env.PAIRGATE_CHROMIUM ? [process.env.PAIRGATE_CHROMIUM] : ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
if (!chromiums.some((file) => existsSync(file))) {
  console.log('Skipped: the browser suites (portal pages, kiosk). Enable them with');
  console.log('  apt-get install chromium-headless-shell   # or chromium; or: export PAIRGATE_CHROMIUM=/path/to/chromium');
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
