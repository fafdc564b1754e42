#!/usr/bin/env node
// `pairgate` — the device app's command line (see README, "The command line"). Runs the
// TypeScript sources through tsx, like the app's other scripts, so there is nothing to build.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/pairgate.ts');
