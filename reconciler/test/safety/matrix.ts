/**
 * The fault matrix: each scenario runs reconciler replicas against the emulator under one
 * fault and measures, on the server side, the invariants a controller must keep:
 * - no duplicate destructive action (a second rerun or catch-up run, a delete sent twice);
 * - no write before its caches synced, and none without a valid lease;
 * - a bounded request rate during the fault (the client's budget: burst + qps × seconds);
 * - convergence once the fault clears (ms from the end of the fault to the expected state);
 * - every finding's Event exactly once (one Event object, count 1).
 * `fault-matrix.test.ts` asserts them; `scripts/fault-matrix.ts` prints the table.
 */
import type { Controller, ControllerOptions } from '../../src/runtime/controller.ts';
import type { RequestRecord } from '../../src/emulator/faults.ts';
import { AUDIT_NS, MINUTE, NS, longJob, untidyEvents, untidyJob } from './fixtures.ts';
import {
  duplicateDeletes,
  duplicateRuns,
  eventsNotExactlyOnce,
  idle,
  replica,
  requestsBetween,
  sleep,
  startRig,
  until,
  writesBeforeSync,
  type Rig,
} from './rig.ts';
import { leaderScenarios, shutdownScenario } from './processes.ts';

/** The request budget of the reconciler's client (its defaults). */
export const CLIENT_QPS = 20;
export const CLIENT_BURST = 40;

export interface Row {
  readonly fault: string;
  /** How long the fault lasted (ms). */
  readonly faultMs: number;
  /** Requests the reconciler(s) sent while it lasted. */
  readonly requests: number;
  /** From the end of the fault to the expected state (ms). */
  readonly convergenceMs: number;
  /** Duplicate destructive actions: extra reruns or catch-up runs, deletes sent twice. */
  readonly duplicates: number;
  readonly writesBeforeSync: number;
  readonly writesWithoutLease: number;
  /** Findings whose Event is not there exactly once (empty when all are). */
  readonly eventsWrong: readonly string[];
  /** Scenario-specific facts (e.g. `/readyz` went unready during a stall). */
  readonly notes: string;
  /** Scenario-specific checks that failed (empty when all held). */
  readonly failures: readonly string[];
}

export interface Scenario {
  readonly fault: string;
  run(): Promise<Row>;
}

/** Requests per second during the fault. */
export function rateOf(row: Row): number {
  return row.faultMs > 0 ? (row.requests * 1000) / row.faultMs : 0;
}

/** The most requests the client budget allows in `ms`, summed over `replicas`. */
export function budget(ms: number, replicas = 1): number {
  return replicas * (CLIENT_BURST + Math.ceil((CLIENT_QPS * ms) / 1000));
}

const ENFORCE = { mode: 'enforce' as const, enforceNamespaces: [NS], rerunStuckJobs: true, cleanupOrphanPods: true };

interface Run {
  readonly rig: Rig;
  readonly c: Controller;
  readonly user: string;
}

async function withReplica(fn: (run: Run) => Promise<Row>, controllerOptions: Partial<ControllerOptions> = {}): Promise<Row> {
  const rig = await startRig();
  const { controller } = replica(rig, { user: 'r1', config: ENFORCE, controller: controllerOptions });
  try {
    return await fn({ rig, c: controller, user: 'r1' });
  } finally {
    await controller.stop();
    await rig.close();
  }
}

function audited(names: readonly string[], rig: Rig): void {
  for (const name of names) rig.store.create(untidyJob(name));
}

function eventsOk(rig: Rig, names: readonly string[]): boolean {
  return eventsNotExactlyOnce(rig.store, AUDIT_NS, untidyEvents(names)).length === 0;
}

async function converge(run: Run, names: readonly string[], extra: () => boolean = () => true): Promise<number> {
  return until(() => eventsOk(run.rig, names) && idle(run.c) && run.c.ready && extra(), 30_000, 'convergence');
}

function measure(run: Run, fault: string, window: { from: number; to: number; convergenceMs: number }, notes = '', failures: string[] = []): Row {
  const records = run.rig.emu.requests();
  return {
    fault,
    faultMs: window.to - window.from,
    requests: requestsBetween(records, run.user, window.from, window.to).length,
    convergenceMs: window.convergenceMs,
    duplicates: duplicateRuns(run.rig.store, NS) + duplicateDeletes(records),
    writesBeforeSync: writesBeforeSync(records, run.user),
    writesWithoutLease: 0,
    eventsWrong: eventsNotExactlyOnce(run.rig.store, AUDIT_NS, untidyEvents(namesIn(run.rig))),
    notes,
    failures,
  };
}

function namesIn(rig: Rig): string[] {
  return rig.store.list('Job', AUDIT_NS).map((j) => j.metadata.name);
}

/** Healthy Jobs that have run for 20 minutes, longer than the stuck threshold. */
function healthy(rig: Rig, names: readonly string[]): void {
  for (const name of names) rig.store.create(longJob(name));
  rig.clock.advance(20 * MINUTE);
}

function answered(records: readonly RequestRecord[], user: string, verb: string, resource: string): number {
  const r = records.find((x) => x.user === user && x.verb === verb && x.resource === resource && x.status === 200);
  return r?.answeredAt ?? Date.now();
}

function reruns(rig: Rig): number {
  return rig.store.list('Job', NS).filter((j) => j.metadata.annotations?.['batch.cdk8s.io/rerun-of'] !== undefined).length;
}

function slowList(resource: 'pods' | 'nodes'): Scenario {
  const fault = `slow ${resource} list (1 s)`;
  return {
    fault,
    run: () =>
      withReplica(async (run) => {
        healthy(run.rig, ['h1', 'h2', 'h3']);
        audited(['a1', 'a2'], run.rig);
        run.rig.emu.faults.inject({ type: 'delay', ms: 1000, match: { verb: 'list', resource } });
        const from = Date.now();
        run.c.start();
        await run.c.waitForSync();
        const to = answered(run.rig.emu.requests(), run.user, 'list', resource);
        const convergenceMs = await converge(run, ['a1', 'a2']);
        const failures = reruns(run.rig) === 0 ? [] : [`${reruns(run.rig)} rerun(s) of healthy Jobs`];
        return measure(run, fault, { from, to, convergenceMs }, 'healthy Jobs rerun: ' + reruns(run.rig), failures);
      }),
  };
}

const storm: Scenario = {
  fault: '410 Gone on every watch of the 5 caches (6 s storm, default backoff)',
  run: () =>
    withReplica(
      async (run) => {
        audited(['a1'], run.rig);
        run.c.start();
        await converge(run, ['a1']);
        const from = Date.now();
        const handle = run.rig.emu.faults.inject({ type: 'gone', times: Infinity });
        audited(['a2', 'a3'], run.rig);
        await sleep(6000);
        handle.cancel();
        const to = Date.now();
        const convergenceMs = await converge(run, ['a1', 'a2', 'a3']);
        return measure(run, storm.fault, { from, to, convergenceMs });
      },
      { reflectorTimings: { resyncMs: 0 } },
    ),
};

function resets(after: boolean): Scenario {
  const fault = `connection reset ${after ? 'after' : 'before'} an Event create is applied (×4)`;
  return {
    fault,
    run: () =>
      withReplica(async (run) => {
        audited(['a1', 'a2', 'a3'], run.rig);
        const handle = run.rig.emu.faults.inject({ type: 'reset', after, times: 4, match: { verb: 'create', resource: 'events' } });
        const from = Date.now();
        run.c.start();
        await until(() => handle.remaining() === 0, 30_000, 'the resets');
        const to = Date.now();
        const convergenceMs = await converge(run, ['a1', 'a2', 'a3']);
        return measure(run, fault, { from, to, convergenceMs });
      }),
  };
}

/** A Job whose only pod sits on a node that died 20 minutes ago. */
function stuckJob(rig: Rig): void {
  rig.store.create(longJob('stuck'));
  rig.clock.advance(30_000);
  const pod = rig.store.list('Pod', NS)[0];
  rig.sim.killNode(pod.spec.nodeName);
  rig.clock.advance(20 * MINUTE);
}

/** The Warning (finding) and the Normal (rerun) Event about the stuck Job, each exactly once. */
function stuckEventsWrong(rig: Rig): string[] {
  const wrong = eventsNotExactlyOnce(rig.store, NS, []);
  return countJobStuck(rig) === 2 ? wrong : [...wrong, `JobStuck: ${countJobStuck(rig)} Event(s), expected 2 (finding and rerun)`];
}

function countJobStuck(rig: Rig): number {
  return rig.store.list('Event', NS).filter((e) => (e as { reason?: string }).reason === 'JobStuck').length;
}

const rerunRestart: Scenario = {
  fault: 'restart in the middle of a rerun (create applied, answer lost, replica replaced)',
  run: async () => {
    const rig = await startRig();
    const first = replica(rig, { user: 'r1', config: ENFORCE }).controller;
    const second = replica(rig, { user: 'r2', config: ENFORCE }).controller;
    try {
      stuckJob(rig);
      rig.emu.faults.inject({ type: 'reset', after: true, match: { verb: 'create', resource: 'jobs' } });
      const from = Date.now();
      first.start();
      await until(() => rig.emu.requests().some((r) => r.user === 'r1' && r.verb === 'create' && r.resource === 'jobs'), 30_000, 'the rerun create');
      await first.stop();
      const to = Date.now();
      second.start();
      const run: Run = { rig, c: second, user: 'r2' };
      const convergenceMs = await until(() => idle(second) && countJobStuck(rig) === 2 && reruns(rig) === 1, 30_000, 'convergence');
      await sleep(300);
      const row = measure(run, rerunRestart.fault, { from, to, convergenceMs }, `reruns: ${reruns(rig)}`);
      const records = rig.emu.requests();
      return {
        ...row,
        requests: requestsBetween(records, 'r1', from, to).length,
        writesBeforeSync: writesBeforeSync(records, 'r1') + writesBeforeSync(records, 'r2'),
        eventsWrong: [...row.eventsWrong, ...stuckEventsWrong(rig)],
        failures: reruns(rig) === 1 ? [] : [`${reruns(rig)} reruns, expected 1`],
      };
    } finally {
      await first.stop();
      await second.stop();
      await rig.close();
    }
  },
};

const stalled: Scenario = {
  fault: 'stalled Jobs watch, twice in a row (no event, no bookmark; stall timeout 1.5 s)',
  run: () =>
    withReplica(async (run) => {
      audited(['a1'], run.rig);
      run.rig.emu.faults.inject({ type: 'stall', times: 2, match: { watch: true, resource: 'jobs' } });
      run.c.start();
      await run.c.waitForSync();
      const from = Date.now();
      audited(['a2'], run.rig);
      let unready = false;
      await until(() => {
        unready ||= !run.c.ready;
        return unready && run.c.ready;
      }, 30_000, 'the watchdog restart');
      const to = Date.now();
      const convergenceMs = await converge(run, ['a1', 'a2']);
      const failures = unready ? [] : ['/readyz never went unready'];
      return measure(run, stalled.fault, { from, to, convergenceMs }, `/readyz unready during the stall: ${unready}`, failures);
    }),
};

const conflicts: Scenario = {
  fault: '409 Conflict on Job patches (×3)',
  run: () =>
    withReplica(async (run) => {
      run.rig.store.create(untidyJob('fix', NS));
      const handle = run.rig.emu.faults.inject({ type: 'status', status: 409, times: 3, match: { verb: 'patch', resource: 'jobs' } });
      const from = Date.now();
      run.c.start();
      await until(() => handle.remaining() === 0, 30_000, 'the conflicts');
      const to = Date.now();
      const fixed = (): boolean => run.rig.store.get('Job', NS, 'fix')?.spec.ttlSecondsAfterFinished !== undefined;
      const convergenceMs = await until(() => fixed() && idle(run.c), 30_000, 'convergence');
      const row = measure(run, conflicts.fault, { from, to, convergenceMs }, 'patched after the conflicts: ' + fixed());
      return { ...row, eventsWrong: eventsNotExactlyOnce(run.rig.store, NS, []) };
    }),
};

const throttled: Scenario = {
  fault: '429 Retry-After 1 s on lists and watches (×6), 500 on Event creates (×4)',
  run: () =>
    withReplica(async (run) => {
      audited(['a1', 'a2'], run.rig);
      const faults = [
        run.rig.emu.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 1, times: 6, match: { verb: 'list' } }),
        run.rig.emu.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 1, times: 6, match: { verb: 'watch' } }),
        run.rig.emu.faults.inject({ type: 'status', status: 500, times: 4, match: { verb: 'create', resource: 'events' } }),
      ];
      const from = Date.now();
      run.c.start();
      await until(() => faults.every((f) => f.remaining() === 0), 30_000, 'the faults');
      const to = Date.now();
      const convergenceMs = await converge(run, ['a1', 'a2']);
      return measure(run, throttled.fault, { from, to, convergenceMs });
    }),
};

/** An hourly CronJob whose controller stopped: the run an hour after its creation was missed 10 minutes ago. */
function missedCronJob(rig: Rig): void {
  rig.sim.pauseCronJobController();
  rig.store.create({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: NS },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: longJob('x').spec } },
  } as never);
  rig.clock.advance(70 * MINUTE);
}

function catchUps(rig: Rig): number {
  return rig.store.list('Job', NS).filter((j) => j.metadata.annotations?.['batch.cdk8s.io/catch-up-for'] !== undefined).length;
}

const twoReplicas: Scenario = {
  fault: 'two replicas without leader election decide the same catch-up run at once',
  run: async () => {
    const rig = await startRig();
    const config = { ...ENFORCE, catchUpMissedCronJobs: true };
    const replicas = ['r1', 'r2'].map((user) => replica(rig, { user, config }).controller);
    try {
      missedCronJob(rig);
      const from = Date.now();
      replicas.forEach((c) => c.start());
      const convergenceMs = await until(() => catchUps(rig) >= 1 && replicas.every(idle), 30_000, 'convergence');
      await sleep(500);
      const to = Date.now();
      const records = rig.emu.requests();
      const creates = records.filter((r) => r.verb === 'create' && r.resource === 'jobs');
      return {
        fault: twoReplicas.fault,
        faultMs: to - from,
        requests: requestsBetween(records, 'r1', from, to).length + requestsBetween(records, 'r2', from, to).length,
        convergenceMs,
        duplicates: duplicateRuns(rig.store, NS),
        writesBeforeSync: writesBeforeSync(records, 'r1') + writesBeforeSync(records, 'r2'),
        writesWithoutLease: 0,
        eventsWrong: eventsNotExactlyOnce(rig.store, NS, []),
        notes: `catch-up creates sent ${creates.length}, answered ${creates.map((c) => c.status).join('/')}; catch-up Jobs ${catchUps(rig)}`,
        failures: catchUps(rig) === 1 ? [] : [`${catchUps(rig)} catch-up runs, expected 1`],
      };
    } finally {
      for (const c of replicas) await c.stop();
      await rig.close();
    }
  },
};

/** Every scenario, in the order of the table. */
export function scenarios(): Scenario[] {
  return [slowList('pods'), slowList('nodes'), storm, resets(false), resets(true), stalled, conflicts, throttled, rerunRestart, twoReplicas, ...leaderScenarios(), shutdownScenario()];
}

/** The matrix as a Markdown table. */
export function table(rows: readonly Row[]): string {
  const head = [
    '| fault | fault ms | requests during fault (req/s) | convergence ms | duplicate destructive actions | writes before sync | writes without lease | Events not exactly once | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const lines = rows.map(
    (r) =>
      `| ${r.fault} | ${r.faultMs} | ${r.requests} (${rateOf(r).toFixed(1)}) | ${r.convergenceMs} | ${r.duplicates} | ${r.writesBeforeSync} | ${r.writesWithoutLease} | ${r.eventsWrong.length} | ${r.notes} |`,
  );
  return [...head, ...lines].join('\n');
}
