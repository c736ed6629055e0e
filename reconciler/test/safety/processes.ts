/**
 * Fault-matrix scenarios with reconcilers as real processes (`cdk8s-batch reconcile`), so that
 * a replica can be paused (SIGSTOP: every timer and clock of it frozen), killed without a
 * chance to release its Lease (SIGKILL), or terminated while the server never answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../src/emulator/faults.ts';
import { AUDIT_NS, untidyEvents, untidyJob } from './fixtures.ts';
import type { Row, Scenario } from './matrix.ts';
import { eventsNotExactlyOnce, requestsBetween, sleep, startRig, until, writesBeforeSync, writesOf, type Rig } from './rig.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const LEASE = 'fault-matrix';
const LEASE_FLAGS = ['--log-level', 'debug', '--leader-elect', '--lease-namespace', 'kube-system', '--lease-name', LEASE, '--lease-duration', '4s', '--renew-deadline', '3s', '--retry-period', '1s'];

interface Proc {
  readonly child: ChildProcess;
  readonly user: string;
  /** The identity it holds the Lease as. */
  readonly identity: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

/** Starts `cdk8s-batch reconcile` as kubeconfig user `user`. */
function reconciler(rig: Rig, dir: string, user: string, flags: readonly string[]): Proc {
  const kubeconfig = join(dir, `${user}.yaml`);
  writeFileSync(kubeconfig, rig.emu.kubeconfigYaml('emulator', user));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'reconcile', '--kubeconfig', kubeconfig, '--admission-gate', '--watch-stall-timeout', '2s', ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const proc: Proc = {
    child,
    user,
    identity: `${hostname()}-${child.pid}`,
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stderr!.on('data', (chunk: Buffer) => (proc.stderr += chunk.toString()));
  return proc;
}

function holder(rig: Rig): string | undefined {
  return rig.store.get('Lease', 'kube-system', LEASE)?.spec?.holderIdentity;
}

/** When `user` first held the Lease: its first successful create or update of it. */
function acquiredAt(records: readonly RequestRecord[], user: string): number {
  const r = records.find((x) => x.user === user && x.resource === 'leases' && (x.verb === 'update' || x.verb === 'create') && (x.status === 200 || x.status === 201));
  return r?.at ?? Infinity;
}

/** Writes the replica's lease fence refused (its debug log of action outcomes). */
function fenced(p: Proc): number {
  return p.stderr.split('\n').filter((l) => l.includes('"outcome":"fenced"')).length;
}

function eventsCreated(records: readonly RequestRecord[], user: string): number {
  return records.filter((r) => r.user === user && r.verb === 'create' && r.resource === 'events' && r.status === 201).length;
}

const JOBS = Array.from({ length: 60 }, (_, i) => `a${i}`);

async function withProcesses(fn: (rig: Rig, dir: string, procs: Proc[]) => Promise<Row>): Promise<Row> {
  const rig = await startRig(1000);
  const dir = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
  const procs: Proc[] = [];
  try {
    return await fn(rig, dir, procs);
  } finally {
    for (const p of procs) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
      await p.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await rig.close();
  }
}

/**
 * Writes sent without a valid lease, as the server sees them: a replica's writes before it
 * first held the Lease, or after another replica took it over.
 */
function writesWithoutLease(records: readonly RequestRecord[], first: string, second: string): number {
  const tookOver = acquiredAt(records, second);
  const early = (user: string): number => writesOf(records, user).filter((r) => r.at < acquiredAt(records, user)).length;
  return early(first) + early(second) + writesOf(records, first).filter((r) => r.at > tookOver).length;
}

/** A leader with writes pending is paused past its lease or killed; a standby takes over. */
function leaderFault(kind: 'pause' | 'kill'): Scenario {
  const fault = kind === 'pause' ? 'paused leader (SIGSTOP 7 s, lease 4 s), then resumed' : 'kill -9 of the leader (no Lease release)';
  return {
    fault,
    run: () =>
      withProcesses(async (rig, dir, procs) => {
        const a = reconciler(rig, dir, 'a', LEASE_FLAGS);
        procs.push(a);
        await until(() => holder(rig) === a.identity, 60_000, 'a leading');
        const b = reconciler(rig, dir, 'b', LEASE_FLAGS);
        procs.push(b);
        await until(() => b.stderr.includes('caches synced'), 60_000, 'b synced');
        for (const name of JOBS) rig.store.create(untidyJob(name));
        // the leader is in the middle of writing 120 Events (10 writes/s)
        await until(() => eventsCreated(rig.emu.requests(), 'a') >= 20, 60_000, 'a writing');
        const from = Date.now();
        a.child.kill(kind === 'pause' ? 'SIGSTOP' : 'SIGKILL');
        await until(() => holder(rig) === b.identity, 60_000, 'b leading');
        if (kind === 'pause') {
          await sleep(Math.max(0, from + 7000 - Date.now()));
          a.child.kill('SIGCONT');
        }
        const to = Date.now();
        const expected = untidyEvents(JOBS);
        const convergenceMs = await until(() => eventsNotExactlyOnce(rig.store, AUDIT_NS, expected).length === 0, 60_000, 'convergence');
        await sleep(2000); // a resumed leader gets every chance to write
        const records = rig.emu.requests();
        return {
          fault,
          faultMs: to - from,
          requests: requestsBetween(records, 'a', from, to).length + requestsBetween(records, 'b', from, to).length,
          convergenceMs,
          duplicates: 0,
          writesBeforeSync: writesBeforeSync(records, 'a') + writesBeforeSync(records, 'b'),
          writesWithoutLease: writesWithoutLease(records, 'a', 'b'),
          eventsWrong: eventsNotExactlyOnce(rig.store, AUDIT_NS, expected),
          notes: `Events written by the leader ${eventsCreated(records, 'a')}, by the standby ${eventsCreated(records, 'b')}; writes the leader's fence refused: ${fenced(a)}`,
          failures: [],
        };
      }),
  };
}

export function leaderScenarios(): Scenario[] {
  return [leaderFault('pause'), leaderFault('kill')];
}

/** SIGTERM while the server accepted every watch and never answers it. */
export function shutdownScenario(): Scenario {
  const fault = 'SIGTERM while every watch hangs unanswered (grace 1 s)';
  return {
    fault,
    run: () =>
      withProcesses(async (rig, dir, procs) => {
        rig.store.create(untidyJob('a1'));
        rig.emu.faults.inject({ type: 'hang', times: Infinity, match: { watch: true } });
        const from = Date.now();
        const p = reconciler(rig, dir, 'a', ['--shutdown-grace', '1s']);
        procs.push(p);
        await until(() => p.stderr.includes('caches synced') && eventsNotExactlyOnce(rig.store, AUDIT_NS, untidyEvents(['a1'])).length === 0, 60_000, 'synced');
        const term = Date.now();
        p.child.kill('SIGTERM');
        const exited = await Promise.race([p.exited.then(() => true), sleep(20_000).then(() => false)]);
        const exitMs = Date.now() - term;
        const records = rig.emu.requests();
        return {
          fault,
          faultMs: term - from,
          requests: requestsBetween(records, 'a', from, term).length,
          convergenceMs: exitMs,
          duplicates: 0,
          writesBeforeSync: writesBeforeSync(records, 'a'),
          writesWithoutLease: 0,
          eventsWrong: eventsNotExactlyOnce(rig.store, AUDIT_NS, untidyEvents(['a1'])),
          notes: `exit ${exitMs} ms after SIGTERM (convergence column)`,
          failures: exited ? [] : ['still running 20 s after SIGTERM'],
        };
      }),
  };
}
