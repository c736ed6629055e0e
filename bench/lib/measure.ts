/**
 * Shared helpers of the benchmarks: run one measurement in its own child process (so one side's
 * heap never pollutes the other's), medians, tables and a description of the machine.
 */
import { fork } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * Runs `script` (a path relative to bench/) in a child Node process and resolves to the message
 * it sends, plus `processMs`: the child's whole life (start-up, module loading, work, exit).
 */
export function runChild<T>(script: string, args: string[], options: { execArgv?: string[] } = {}): Promise<T & { processMs: number }> {
  // An absolute `.mjs` path is a bundle (`lib/bundle.ts`): it runs on plain Node, without this process's loader flags.
  const bundled = script.startsWith('/') && script.endsWith('.mjs');
  const path = bundled ? script : fileURLToPath(new URL(`../${script}`, import.meta.url));
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const execArgv = [...(bundled ? [] : process.execArgv), ...(options.execArgv ?? [])];
    const child = fork(path, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: T | undefined;
    child.on('message', (m) => (result = m as T));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result !== undefined) resolve({ ...result, processMs: performance.now() - start });
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/**
 * Extra child-process flags: `BENCH_CPU_PROF=<dir>` writes a `.cpuprofile` per measured child;
 * `BENCH_NODE_FLAGS` adds Node/V8 flags to every measured child (e.g. `--trace-gc`).
 */
export function profileArgv(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...flags];
}

/** Sends the result of a child process to its parent (or prints it when run by hand) and lets the process end. */
export function reply(result: unknown): void {
  if (process.send) process.send(result, () => process.disconnect?.());
  else console.log(JSON.stringify(result));
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The value at quantile `q` (0..1) by the nearest-rank method. */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function fixed(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** A Markdown table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Cores, memory, load and Node version, as recorded with every run. */
export function machine(): string {
  const cpu = cpus();
  const gb = (bytes: number): string => (bytes / 1024 ** 3).toFixed(1);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${gb(totalmem())} GB RAM (${gb(freemem())} GB free), Node ${process.version}, load average ${load}, ${new Date().toISOString()}`;
}

/** `--runs <n>` and `--sizes a,b,c` from the command line, with defaults. */
export function options(defaults: { runs: number; sizes: number[] }): { runs: number; sizes: number[] } {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runs = Number(value('--runs') ?? defaults.runs);
  const sizes = value('--sizes')?.split(',').map(Number) ?? defaults.sizes;
  return { runs, sizes };
}
