#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { SUPERVISED_ENV, superviseCli } from '../dist/superviseCli.js';

// The command runs in a child process; this one only keeps Ctrl-C and SIGTERM working (see superviseCli).
if (process.env[SUPERVISED_ENV] === '1') {
  const { acceptRelayedInterrupts, runCli } = await import('../dist/index.js');
  acceptRelayedInterrupts();
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  process.exitCode = await superviseCli(fileURLToPath(import.meta.url), process.argv.slice(2));
}
