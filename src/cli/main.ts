// `bin/tessera`: administration from scripts. Each command prints a human summary, or JSON
// with --json, and exits non-zero with a one-line reason on bad input.

import { ConfigError, loadConfig } from '../config.ts';
import { runCli } from './run.ts';

try {
  const code = await runCli(process.argv.slice(2), { config: () => loadConfig(), out: process.stdout, err: process.stderr });
  process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`tessera: ${error.problems.join('; ')}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
