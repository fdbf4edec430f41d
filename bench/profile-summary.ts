// Where the time goes in V8 CPU profiles (`node --cpu-prof`): the top functions by self time,
// self time by area (a package under node_modules, a folder of src/, Node's internals, GC), and
// inclusive time by area (samples with that area anywhere on the stack).
//
//   npx node bench/profile-summary.ts [--top 25] [--callers NAME] [--exclude NAME,...] PROFILE.cpuprofile|DIR ...
//
// --callers NAME also shows, for the samples whose leaf function is NAME (say `writev`), the
// nearest caller outside Node's internals: the application or package code that got there.
//
// Idle samples are left out of the percentages: they are of the time the thread was busy.
// The profiler samples wall time, so "busy" also holds time the thread was runnable but
// descheduled: on a saturated machine a syscall that wakes another process (a socket write to
// PostgreSQL, say) is where the thread gets preempted, and shows as that syscall's self time.
// Compare with the thread's CPU from /proc (the benchmarks print it); --exclude NAME,...
// leaves such leaf functions out of the percentages.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { positiveInteger } from './support.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string' }, callers: { type: 'string' }, exclude: { type: 'string' } }, allowPositionals: true, strict: true });
const top = positiveInteger('top', values.top, 25);
if (positionals.length === 0) {
  process.stderr.write('usage: profile-summary.ts [--top N] [--callers NAME] [--exclude NAME,...] PROFILE.cpuprofile|DIR ...\n');
  process.exit(2);
}

const files = positionals.flatMap((p) =>
  fs.statSync(p).isDirectory()
    ? fs
        .readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(p, f))
    : [p],
);

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node:${parts.slice(0, parts[0] === 'internal' ? 2 : 1).join('/')}`;
  }
  const src = /\/(src|bench|test)\/(.+)$/.exec(url);
  if (src) {
    const dir = path.dirname(src[2]);
    return `${src[1]}/${dir === '.' ? path.basename(src[2]) : dir}`;
  }
  return url;
}

function label(frame: CallFrame): string {
  const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

const selfByFunction = new Map<string, number>();
const selfByArea = new Map<string, number>();
const inclusiveByArea = new Map<string, number>();
const callersOf = new Map<string, number>();
const isInternal = (frame: CallFrame) => !frame.url || frame.url.startsWith('node:');
let busy = 0;
let idle = 0;
let excluded = 0;
const excludedNames = new Set((values.exclude ?? '').split(',').map((n) => n.trim()).filter(Boolean));
const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);

for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Areas on each node's stack, computed once per node.
  const stackAreas = new Map<number, Set<string>>();
  const areasOf = (id: number): Set<string> => {
    let areas = stackAreas.get(id);
    if (!areas) {
      const up = parent.get(id);
      areas = new Set(up === undefined ? [] : areasOf(up));
      areas.add(area(byId.get(id)!.callFrame));
      stackAreas.set(id, areas);
    }
    return areas;
  };

  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's duration is the gap to the next sample.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i])!;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    if (excludedNames.has(node.callFrame.functionName)) {
      excluded += micros;
      if (values.callers && node.callFrame.functionName === values.callers) {
        let up = parent.get(node.id);
        while (up !== undefined && isInternal(byId.get(up)!.callFrame)) up = parent.get(up);
        add(callersOf, up === undefined ? '(only Node internals on the stack)' : label(byId.get(up)!.callFrame), micros);
      }
      continue;
    }
    busy += micros;
    add(selfByFunction, label(node.callFrame), micros);
    add(selfByArea, area(node.callFrame), micros);
    for (const a of areasOf(node.id)) if (a !== '(root)') add(inclusiveByArea, a, micros);
    if (values.callers && node.callFrame.functionName === values.callers) {
      let up = parent.get(node.id);
      while (up !== undefined && isInternal(byId.get(up)!.callFrame)) up = parent.get(up);
      add(callersOf, up === undefined ? '(only Node internals on the stack)' : label(byId.get(up)!.callFrame), micros);
    }
  }
}

function print(title: string, map: Map<string, number>, n: number): void {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * micros) / busy).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
}

console.log(
  `${files.length} profile(s); busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s` +
    `${excludedNames.size ? `, excluded (${[...excludedNames].join(', ')}) ${(excluded / 1e6).toFixed(2)} s` : ''} (percentages are of busy time)`,
);
print(`Top ${top} functions by self time`, selfByFunction, top);
print('Self time by area', selfByArea, top);
print('Inclusive time by area (area anywhere on the stack)', inclusiveByArea, top);
if (values.callers) print(`Nearest non-internal callers of ${values.callers} (self time of ${values.callers})`, callersOf, top);
