/**
 * Where a V8 CPU profile's time went, as text: `npx tsx bench/profile-summary.ts <file.cpuprofile>
 * [--top=N] [--focus=<substring>] [--stretches=N]`. Prints the functions with the most self time,
 * and the most inclusive time (a function and everything it called; recursion counted once), as
 * shares of the non-idle samples. `--focus` keeps only samples whose stack passes through a frame
 * matching the substring (e.g. `tokenEndpoint`), to read one path's costs. `--stretches` lists
 * the longest runs of the event loop without a pause (what a request arriving then waits
 * behind) and what ran in each. For finding hot spots (BENCH_CPU_PROF=<dir> makes the
 * profiles), not for figures: profiling slows the server down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top=N] [--focus=<substring>]');
  process.exit(2);
}
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
const focus = process.argv.find((a) => a.startsWith('--focus='))?.slice(8);
const stretches = Number(process.argv.find((a) => a.startsWith('--stretches='))?.slice(12) ?? 0);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${url.includes('node_modules') ? url.slice(url.lastIndexOf('node_modules/') + 13) : path.basename(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

function stackOf(id: number): ProfileNode[] {
  const stack: ProfileNode[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at);
    if (n) stack.push(n);
  }
  return stack;
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let gc = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  if (!node) return;
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += dt;
    return;
  }
  const stack = stackOf(id);
  if (focus && !stack.some((n) => label(n).includes(focus))) return;
  total += dt;
  if (name === '(garbage collector)') gc += dt;
  if (!IDLE.has(name) || name === '(garbage collector)') self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  for (const l of new Set(stack.map(label))) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
});

const pct = (us: number) => `${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);
};
console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(2)} s busy${focus ? ` through "${focus}"` : ''}, ${(idle / 1e6).toFixed(2)} s idle, GC ${pct(gc)}`);
print('self time', self);
print('inclusive time', inclusive);

/** Frames that name what a stretch was doing (our code and the frameworks', not Node's plumbing). */
function telling(n: ProfileNode): boolean {
  const { functionName, url } = n.callFrame;
  return functionName !== '' && !functionName.startsWith('(') && url !== '' && !url.startsWith('node:');
}

if (stretches > 0) {
  // A stretch: consecutive non-idle samples (the event loop never waited for I/O in between).
  const runs: { startUs: number; us: number; frames: Map<string, number> }[] = [];
  let current: (typeof runs)[number] | undefined;
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') {
      current = undefined;
      return;
    }
    if (!current) runs.push((current = { startUs: t, us: 0, frames: new Map() }));
    current.us += dt;
    for (const l of new Set(stackOf(id).filter(telling).map(label))) current.frames.set(l, (current.frames.get(l) ?? 0) + dt);
  });
  console.log(`\nlongest stretches without a pause (of ${runs.length})`);
  for (const run of [...runs].sort((a, b) => b.us - a.us).slice(0, stretches)) {
    const top = [...run.frames].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, us]) => `${name} ${((100 * us) / run.us).toFixed(0)}%`);
    console.log(`${(run.us / 1000).toFixed(1).padStart(7)} ms at ${(run.startUs / 1e6).toFixed(2)} s: ${top.join(' | ')}`);
  }
}
