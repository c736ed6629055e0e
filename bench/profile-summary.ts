/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by package or source directory, the
 * top self-time functions, and the top inclusive (self + callees) functions. With
 * `--under <function>[@<file>]`, the inclusive table counts only samples taken below that
 * function (e.g. `--under _synthChart`, `--under evaluate@src/_validation`; the file part tells
 * apart functions of the same name, such as the nameless-file `evaluate` of every ES module).
 *
 *   node --import tsx profile-summary.ts <file.cpuprofile> [--top 25] [--under <function>[@<file>]]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const file = args[0];
const top = Number(flag('--top') ?? 25);
const under = flag('--under');
const [underName, underFile] = (under ?? '').split('@');

const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const root = fileURLToPath(new URL('..', import.meta.url));
function where(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const short = path.replace(/^.*\/node_modules\//, 'node_modules/').replace(root, '');
  return short.startsWith('data:') ? '(tsx-compiled module)' : short || '(native)';
}

function area(url: string): string {
  const w = where(url);
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(w);
  if (pkg) return pkg[1];
  if (w === '(native)') return '(native: GC, idle, …)';
  if (w.startsWith('node:')) return 'node internals';
  return w.split('/').slice(0, -1).join('/') || w;
}

const name = (f: CallFrame): string => `${f.functionName || '(anonymous)'}  ${where(f.url)}`;

function stackOf(id: number): CallFrame[] {
  const frames: CallFrame[] = [];
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) frames.push(nodes.get(n)!.callFrame);
  return frames;
}

const byArea = new Map<string, number>();
const bySelf = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number): void => {
  map.set(key, (map.get(key) ?? 0) + us);
};
for (const [id, us] of selfUs) {
  const frame = nodes.get(id)!.callFrame;
  add(byArea, area(frame.url), us);
  add(bySelf, name(frame), us);
  let stack = stackOf(id);
  if (under) {
    const i = stack.findIndex((f) => f.functionName === underName && (!underFile || f.url.includes(underFile)));
    if (i < 0) continue;
    stack = stack.slice(0, i + 1);
  }
  // A sample counts once for every distinct function on its stack.
  for (const key of new Set(stack.filter((f) => f.url).map(name))) add(inclusive, key, us);
}

const line = (us: number, label: string): string => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${label}`;
const print = (title: string, map: Map<string, number>, count: number): void => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(line(us, k));
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print('self time by package or directory:', byArea, 12);
print('top self-time functions:', bySelf, top);
print(`top inclusive (self + callees) functions${under ? ` below ${under}` : ''}:`, inclusive, top);
