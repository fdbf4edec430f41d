// Runs the real entry points (`bin/tessera`, `src/main.ts`) as child processes, as a newcomer
// or a script would.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTessera(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'bin/tessera'), args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Stops reading the server's stdout, as a stuck log shipper would: the pipe fills up. */
  stopReadingOutput(): void;
  /** Reads stdout again (what arrives from now on goes to output()). */
  resumeReadingOutput(): void;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node src/main.ts` with the pinned Node, the way `npm start` does. */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env } });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk);
  child.stdout!.on('data', collect);
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${pattern}:\n${output}`);
    },
    stopReadingOutput() {
      child.stdout!.off('data', collect);
      child.stdout!.pause();
    },
    resumeReadingOutput() {
      child.stdout!.on('data', collect);
      child.stdout!.resume();
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
