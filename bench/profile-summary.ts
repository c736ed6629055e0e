/**
 * Top self-time functions of a V8 CPU profile (`node --cpu-prof`), aggregated by function and
 * location, plus the share of each package or source directory.
 *
 *   node --import tsx profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
}

const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/work\/main\//, '');
  return short || '(native)';
}

function area(url: string): string {
  const w = where(url);
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(w);
  if (pkg) return pkg[1];
  if (w.startsWith('node:') || w === '(native)') return w === '(native)' ? '(native, GC, idle)' : 'node internals';
  return w.split('/').slice(0, -1).join('/') || w;
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byArea.set(area(f.url), (byArea.get(area(f.url)) ?? 0) + us);
}

// Inclusive time: a sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes as Array<ProfileNode & { children?: number[] }>) for (const c of node.children ?? []) parent.set(c, node.id);
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const f = nodeById.get(n)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${where(f.url)}`;
    if (!f.url || seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n\nself time by package or directory:`);
for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
console.log('\ntop self-time functions:');
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
console.log('\ntop inclusive (self + callees) functions:');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
