#!/usr/bin/env node
// A PAIRGATE_BROWSER_COMMAND for the CLI's end-to-end tests: instead of starting a desktop
// browser, it hands the URL to the test (which opens it in Chromium) through the file named by
// PAIRGATE_E2E_URL_FILE. The CLI runs it exactly as it would run a real browser command.
import { writeFileSync } from 'node:fs';

const file = process.env.PAIRGATE_E2E_URL_FILE;
const url = process.argv[2];
if (!file || !url) {
  console.error('usage: PAIRGATE_E2E_URL_FILE=<file> browser-command.mjs <url>');
  process.exit(2);
}
writeFileSync(file, url, { mode: 0o600 });
