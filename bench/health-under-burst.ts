// How health probes and static files answer while a burst of sign-ins hashes passwords (issue 17:
// before the hashing bound, /health/live p95 was 284–541 ms, readiness 1.5–2.5 s and Console
// files 3–7.5 s under 200 sign-ins; the target is under 50 ms).
//
// The server runs as src/main.ts in a child process (its own event loop, as in production). Each
// round probes it twice, seconds apart: once idle, once while `--burst` browserless sign-in flows
// run at once (bench/sign-in-client.ts), each probe target asked one request at a time from a
// process of its own (bench/probe-process.ts). Beside the server, the same probes ask a bare
// node:http process (bench/control-server.ts) for the same bytes: what the machine alone does to
// latency under the same load. The figures are each round's p50/p95 per target, the ratio burst
// p95 / idle p95 of the same round, and the server's burst p95 over the control's; the summary
// gives the median over the rounds and the spread (min–max).
//
//   npm run bench:health-under-burst -- [--rounds 5] [--burst 200] [--seconds 6]
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:health-under-burst

import { execFile as execFileCallback, spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { SYSTEM_CONTEXT } from '../src/services/request-context.ts';
import { createBenchDatabase, fixed, freePort, machineInfo, median, positiveInteger, PROJECT_ROOT, printMachine, startServerProcess, withCleanup } from './support.ts';
import { createClient, EMAIL, ORG, PASSWORD, REDIRECT_URI, type SignInAs } from './sign-in-client.ts';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string' }, burst: { type: 'string' }, seconds: { type: 'string' } },
});
const rounds = positiveInteger('rounds', args.rounds, 5);
const burst = positiveInteger('burst', args.burst, 200);
const seconds = positiveInteger('seconds', args.seconds, 6);
const log = (line: string) => process.stderr.write(`${line}\n`);
const execFile = promisify(execFileCallback);

interface Latencies {
  /** Until the body is read and decoded. */
  p50: number;
  p95: number;
  /** Until the answer's headers arrive. */
  headersP50: number;
  headersP95: number;
  count: number;
}

/**
 * Probes every target at once for `ms` from a process of its own (bench/probe-process.ts): in
 * this one, the 200 sign-in clients' own work would be measured with the server's.
 */
async function probeFromOwnProcess<T extends string>(targets: Record<T, string>, ms: number): Promise<Record<T, Latencies>> {
  const args = Object.entries(targets).map(([name, url]) => `${name}=${url}`);
  const { stdout } = await execFile(process.execPath, [path.join(PROJECT_ROOT, 'bench/probe-process.ts'), String(ms), ...args]);
  return JSON.parse(stdout) as Record<T, Latencies>;
}

/** Starts bench/control-server.ts on a free port, serving `file` (a precompressed script). */
async function startControlServer(file: string): Promise<{ origin: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bench/control-server.ts'), String(port), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the control server exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const database = await createBenchDatabase();
await withCleanup(
  () => database.drop(),
  async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // Behind a proxy the server trusts (loopback), so that each simulated user signs in from an
    // address of their own, as a burst of real users would: from one address, the sign-in limits
    // (docs/security.md section 4) would rightly refuse most of a burst before any hashing.
    const env = { ...database.env, PUBLIC_URL: baseUrl, PORT: String(port), LOG_LEVEL: 'silent', TRUST_PROXY: '127.0.0.1' };
    const system = await openSystem(loadConfig(env));
    const { organization } = await system.services.organizations.createOrganization({ handle: ORG, displayName: 'Bench', ownerEmail: EMAIL, ownerPassword: PASSWORD }, SYSTEM_CONTEXT);
    const { application } = await system.services.applications.createApplication(organization.id, { name: 'Bench SPA', type: 'spa', redirectUris: [REDIRECT_URI] }, SYSTEM_CONTEXT);
    // The passwords set here are the users' own, not temporary ones to change at first sign-in.
    await system.services.settings.update(organization.id, { forceTemporaryPasswordChange: false }, SYSTEM_CONTEXT);
    const users: SignInAs[] = [];
    for (let i = 0; i < burst; i++) {
      const user: SignInAs = { email: `user${i}@bench.test`, password: `${PASSWORD} ${i}`, clientIp: `10.${(i >> 8) & 255}.${i & 255}.7` };
      await system.services.users.createUser(organization, { userName: user.email, password: user.password }, SYSTEM_CONTEXT);
      users.push(user);
    }
    await system.close();
    const server = await startServerProcess(port, env);
    const client = createClient(baseUrl, burst);
    let stopControl = () => {};
    try {
      // A static file the Console loads: its script bundle, named in its index.html.
      const consolePage = await (await fetch(`${baseUrl}/t/${ORG}/console/`)).text();
      const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(consolePage)?.[1];
      if (!asset) throw new Error('no script bundle named in the Console page (is the UI built? npm run build:ui)');
      const control = await startControlServer(path.join(PROJECT_ROOT, 'dist', `${asset}.br`));
      stopControl = control.stop;
      const targets = {
        live: `${baseUrl}/health/live`,
        ready: `${baseUrl}/health/ready`,
        static: `${baseUrl}${asset}`,
        'control live': `${control.origin}/live`,
        'control static': `${control.origin}/static`,
      };

      printMachine(machineInfo(), log);
      log(`server src/main.ts (pid ${server.pid}) on ${database.description}; burst of ${burst} sign-in flows at once; ${rounds} rounds, ${seconds} s per probe window`);
      await client.signIn(application.id); // warm-up: one flow end to end

      const rows = Object.fromEntries(Object.keys(targets).map((name) => [name, [] as { idle: Latencies; burst: Latencies }[]])) as Record<keyof typeof targets, { idle: Latencies; burst: Latencies }[]>;
      for (let round = 1; round <= rounds; round++) {
        const idle = await probeFromOwnProcess(targets, seconds * 1000);
        let refused = 0;
        let completed = 0;
        let stop = false;
        const flows = Promise.all(
          users.map(async (user) => {
            while (!stop) {
              try {
                await client.signIn(application.id, undefined, user);
                completed++;
              } catch (error) {
                if (refused === 0) log(`first refused flow: ${(error as Error).message.slice(0, 300)}`);
                refused++; // 429 past the admission or hashing bounds, as designed
                await new Promise((resolve) => setTimeout(resolve, 2_000)); // the Retry-After of a 429
              }
            }
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 500)); // let the burst fill the queue
        const underBurst = await probeFromOwnProcess(targets, seconds * 1000);
        stop = true;
        await flows;
        const parts = (Object.keys(targets) as (keyof typeof targets)[]).map((name) => {
          rows[name].push({ idle: idle[name], burst: underBurst[name] });
          return `${name} p95 ${fixed(idle[name].p95)} -> ${fixed(underBurst[name].p95)} ms (x${fixed(underBurst[name].p95 / idle[name].p95, 2)})`;
        });
        log(`round ${round}: ${parts.join('; ')}; flows completed ${completed}, refused ${refused}`);
      }

      log('\nmedian over the rounds [min–max]');
      for (const [name, list] of Object.entries(rows)) {
        const spread = (values: number[]) => `${fixed(median(values))} [${fixed(Math.min(...values))}–${fixed(Math.max(...values))}]`;
        log(
          `${name.padEnd(14)} idle p50 ${spread(list.map((r) => r.idle.p50))} p95 ${spread(list.map((r) => r.idle.p95))} ms; ` +
            `burst p50 ${spread(list.map((r) => r.burst.p50))} p95 ${spread(list.map((r) => r.burst.p95))} ms; ` +
            `burst/idle p95 ${fixed(median(list.map((r) => r.burst.p95 / r.idle.p95)), 2)} [${fixed(Math.min(...list.map((r) => r.burst.p95 / r.idle.p95)), 2)}–${fixed(Math.max(...list.map((r) => r.burst.p95 / r.idle.p95)), 2)}]; ` +
            `headers p95 idle ${spread(list.map((r) => r.idle.headersP95))} burst ${spread(list.map((r) => r.burst.headersP95))} ms`,
        );
      }
      // The server's share: its burst p95 over the bare control process's, round by round.
      for (const [name, controlName] of [['live', 'control live'], ['static', 'control static']] as const) {
        for (const measure of ['p95', 'headersP95'] as const) {
          const ratios = rows[name].map((row, i) => row.burst[measure] / rows[controlName][i].burst[measure]);
          log(`${name} burst ${measure} / control's: ${fixed(median(ratios), 2)} [${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)}]`);
        }
      }
    } finally {
      client.agent.destroy();
      stopControl();
      await server.stop();
    }
  },
);
