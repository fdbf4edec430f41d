import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password-hasher.ts';
import { HASHING_THREAD_NICE } from './argon2-worker.ts';

/** The nice value of each thread of this process, from Linux's /proc (field 19 of stat). */
function threadNiceValues(): number[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.runIf(process.platform === 'linux')('the hashing threads', () => {
  it('hash at a lower priority while the event loop keeps its own', async () => {
    const before = threadNiceValues().filter((nice) => nice === HASHING_THREAD_NICE).length;
    const hasher = createPasswordHasher({ memory: 1024, passes: 1, parallelism: 1 });
    const hashes = await Promise.all([hasher.hash('first'), hasher.hash('second')]);
    expect(await hasher.verify(hashes[0], 'first')).toBe(true);

    expect(threadNiceValues().filter((nice) => nice === HASHING_THREAD_NICE).length).toBeGreaterThan(before);
    expect(os.getPriority()).toBe(0);
  });
});
