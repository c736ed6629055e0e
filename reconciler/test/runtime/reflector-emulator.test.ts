/**
 * The reflector through the real client-node adapter against the API emulator, with the
 * emulator's fault injection: it keeps going and converges on the store's content.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/adapters/kube-client.ts';
import type { KubeApiError } from '../../src/adapters/errors.ts';
import { Reflector, type RestartReason } from '../../src/runtime/reflector.ts';
import { startEmulator, type Emulator } from '../../src/emulator/server.ts';
import { waitFor } from './wait.ts';

const FAST = { watchTimeoutSeconds: 30, watchdogMs: 2_000, resyncMs: 0, backoffBaseMs: 5, backoffMaxMs: 50 };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  emu: Emulator;
  r: Reflector;
  restarts: RestartReason[];
  errors: KubeApiError[];
}

async function setup(before?: (emu: Emulator) => void, timings = FAST): Promise<Setup> {
  const emu = await startEmulator({ bookmarkIntervalMs: 50 });
  cleanups.push(() => emu.close());
  before?.(emu);
  const kc = new KubeConfig();
  kc.loadFromString(emu.kubeconfigYaml());
  const restarts: RestartReason[] = [];
  const errors: KubeApiError[] = [];
  const r = new Reflector(new KubeClient(kc), {
    kind: 'Job',
    namespace: 'ns',
    timings,
    onRestart: (reason) => restarts.push(reason),
    onError: (e) => errors.push(e),
  });
  r.start();
  cleanups.push(() => r.stop());
  return { emu, r, restarts, errors };
}

function addJob(emu: Emulator, name: string): void {
  emu.store.create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  } as never);
}

function names(r: Reflector): string[] {
  return r.list().map((o) => o.metadata!.name!).sort();
}

function converged(s: Setup): boolean {
  const want = s.emu.store.list('Job', 'ns').map((o) => o.metadata.name).sort();
  return JSON.stringify(names(s.r)) === JSON.stringify(want);
}

describe('Reflector against the emulator', () => {
  it('lists, watches with bookmarks and follows changes', async () => {
    const s = await setup((emu) => addJob(emu, 'a'));
    await s.r.waitForSync();
    assert.deepEqual(names(s.r), ['a']);
    addJob(s.emu, 'b');
    s.emu.store.delete('Job', 'ns', 'a');
    await waitFor(() => converged(s));
    assert.equal(s.r.get('ns/b')?.metadata?.managedFields, undefined);
    const watch = s.emu.requests().find((q) => q.query.watch === 'true')!;
    assert.equal(watch.query.allowWatchBookmarks, 'true');
    assert.ok(Number(watch.query.timeoutSeconds) > 0);
    // a bookmark moves the resourceVersion on while only other kinds change
    s.emu.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } } as never);
    await waitFor(() => s.r.lastResourceVersion === s.emu.store.resourceVersion);
  });

  it('relists after a 410 and converges', async () => {
    const s = await setup((emu) => addJob(emu, 'a'));
    await s.r.waitForSync();
    s.emu.faults.inject({ type: 'gone', match: { watch: true, resource: 'jobs' } });
    addJob(s.emu, 'b');
    await waitFor(() => s.restarts.includes('gone') && (s.emu.stats().byVerbAndResource['list jobs'] ?? 0) >= 2);
    await waitFor(() => s.r.hasSynced && converged(s));
    assert.equal(s.errors[0].kind, 'Gone');
  });

  it('backs off after 500s on list and converges', async () => {
    const s = await setup((emu) => {
      addJob(emu, 'a');
      emu.faults.inject({ type: 'status', status: 500, match: { verb: 'list', resource: 'jobs' }, times: 3 });
    });
    await s.r.waitForSync();
    assert.deepEqual(s.errors.map((e) => e.kind), ['ServerError', 'ServerError', 'ServerError']);
    assert.ok(converged(s));
  });

  it('honours 429 Retry-After and converges', async () => {
    const s = await setup((emu) => emu.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 0, match: { verb: 'list', resource: 'jobs' } }));
    await s.r.waitForSync();
    assert.equal(s.errors[0].kind, 'TooManyRequests');
    assert.equal(s.errors[0].retryAfterMs, 0);
    addJob(s.emu, 'late');
    await waitFor(() => converged(s));
  });

  it('restarts after a connection reset on the watch and converges', async () => {
    const s = await setup((emu) => emu.faults.inject({ type: 'reset', match: { watch: true, resource: 'jobs' }, times: 2 }));
    await s.r.waitForSync();
    addJob(s.emu, 'a');
    await waitFor(() => converged(s) && s.r.size === 1);
    assert.ok(s.errors.some((e) => e.kind === 'Network'), JSON.stringify(s.errors.map((e) => e.message)));
  });

  it('restarts a stalled watch through the inactivity watchdog and converges', async () => {
    const s = await setup((emu) => emu.faults.inject({ type: 'stall', match: { watch: true, resource: 'jobs' } }), { ...FAST, watchdogMs: 300 });
    await s.r.waitForSync();
    addJob(s.emu, 'a');
    await waitFor(() => s.restarts.includes('watchdog') && converged(s) && s.r.size === 1);
  });
});
