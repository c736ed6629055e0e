import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../src/emulator/store.ts';
import { StoreError, type Clock, type NewObject, type StoreEvent } from '../../src/emulator/types.ts';

const fixedClock: Clock = { now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 678), setTimer: () => () => undefined };

function job(name: string, extra: Record<string, unknown> = {}): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns1', ...extra },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } },
    },
  };
}

function pod(name: string, labels: Record<string, string> = {}, owner?: { name: string; uid: string }): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns1',
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: owner.name, uid: owner.uid, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
  };
}

function storeError(code: number, reason: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    return true;
  };
}

describe('MemoryStore', () => {
  it('fills uid, resourceVersion, creationTimestamp and generation on create', () => {
    const store = new MemoryStore({ clock: fixedClock, seedNamespaces: false });
    const created = store.create(job('a'));
    assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(created.metadata.resourceVersion, '1');
    assert.equal(created.metadata.creationTimestamp, '2026-01-02T03:04:05Z');
    assert.equal(created.metadata.generation, 1);
    assert.deepEqual(store.get('Job', 'ns1', 'a'), created);
  });

  it('generates the Job selector and template labels from the uid unless manualSelector is set', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a'));
    const uid = created.metadata.uid;
    assert.deepEqual(created.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(created.spec.template.metadata.labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'a',
      'controller-uid': uid,
      'job-name': 'a',
    });
    const manual = job('b');
    manual.spec.manualSelector = true;
    manual.spec.selector = { matchLabels: { app: 'b' } };
    manual.spec.template.metadata = { labels: { app: 'b' } };
    const stored = store.create(manual);
    assert.deepEqual(stored.spec.selector, { matchLabels: { app: 'b' } });
    assert.deepEqual(stored.spec.template.metadata.labels, { app: 'b' });
  });

  it('gives a Job without labels its pod template labels, generated ones included', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a'));
    assert.equal(created.metadata.labels?.['batch.kubernetes.io/job-name'], 'a');
    assert.equal(created.metadata.labels?.['batch.kubernetes.io/controller-uid'], created.metadata.uid);
  });

  it('validates writes of a Job status with the status rules', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a'));
    assert.throws(() => store.replace({ ...created, status: { succeeded: -1 } }, { subresource: 'status' }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 422);
      assert.ok(err.causes.some((c) => c.field === 'status.succeeded'), JSON.stringify(err.causes));
      return true;
    });
  });

  it('names objects from generateName', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('', { generateName: 'run-' }));
    assert.match(created.metadata.name, /^run-[a-z0-9]{5}$/);
    assert.equal(created.metadata.generateName, 'run-');
  });

  it('seeds the default namespaces', () => {
    const store = new MemoryStore();
    assert.deepEqual(
      store.list('Namespace').map((n) => n.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
  });

  it('fails if the name is missing or invalid, or the object already exists', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    assert.throws(() => store.create(pod('')), storeError(422, 'Invalid'));
    assert.throws(() => store.create(pod('Bad_Name')), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.causes[0].field, 'metadata.name');
      return true;
    });
    store.create(pod('p'));
    assert.throws(() => store.create(pod('p')), storeError(409, 'AlreadyExists'));
  });

  it('hands out copies that do not alias stored objects', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(pod('p', { app: 'x' }));
    created.metadata.labels!.app = 'changed';
    store.get('Pod', 'ns1', 'p')!.metadata.labels!.app = 'changed';
    assert.equal(store.get('Pod', 'ns1', 'p')!.metadata.labels!.app, 'x');
  });

  it('fails with 409 Conflict when replacing with a stale resourceVersion', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(pod('p'));
    const updated = store.replace({ ...created, metadata: { ...created.metadata, labels: { v: '2' } } });
    assert.equal(updated.metadata.resourceVersion, '2');
    assert.throws(() => store.replace({ ...created, metadata: { ...created.metadata, labels: { v: '3' } } }), storeError(409, 'Conflict'));
  });

  it('fails with 409 Conflict when an update carries the uid of a deleted namesake', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const first = store.create(pod('p'));
    store.delete('Pod', 'ns1', 'p');
    store.create(pod('p'));
    assert.throws(() => store.replace({ ...first, metadata: { ...first.metadata, resourceVersion: '' } }), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 409);
      assert.match(err.message, /Precondition failed: UID in precondition/);
      return true;
    });
  });

  it('bumps generation on spec changes only, and keeps status on main-resource writes', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a', { labels: { l: '1' } }));
    const withStatus = store.replace({ ...created, status: { active: 1 } }, { subresource: 'status' });
    assert.equal(withStatus.metadata.generation, 1);
    assert.deepEqual(withStatus.status, { active: 1 });

    const labelled = store.replace({ ...withStatus, metadata: { ...withStatus.metadata, labels: { l: '2' } }, status: { active: 9 } });
    assert.equal(labelled.metadata.generation, 1);
    assert.deepEqual(labelled.status, { active: 1 }, 'status is not writable through the main resource');

    const suspended = store.replace({ ...labelled, spec: { ...labelled.spec, suspend: true } });
    assert.equal(suspended.metadata.generation, 2);
  });

  it('ignores spec and metadata changes on status writes', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a'));
    const written = store.replace(
      { ...created, metadata: { ...created.metadata, labels: { x: 'y' } }, spec: { ...created.spec, parallelism: 5 }, status: { succeeded: 1 } },
      { subresource: 'status' },
    );
    assert.equal(written.spec.parallelism, created.spec.parallelism);
    assert.deepEqual(written.metadata.labels, created.metadata.labels);
    assert.equal(written.metadata.labels?.x, undefined);
    assert.deepEqual(written.status, { succeeded: 1 });
  });

  it('does not bump the resourceVersion for a no-op update', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(pod('p'));
    assert.equal(store.replace(created).metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it('fails with 422 Invalid and field causes for a Job the rules reject', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const bad = job('a');
    bad.spec.template.spec.restartPolicy = 'Always';
    assert.throws(() => store.create(bad), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.ok(err.causes.some((c) => c.field === 'spec.template.spec.restartPolicy'), JSON.stringify(err.causes));
      return true;
    });
    assert.equal(store.get('Job', 'ns1', 'a'), undefined);
  });

  it('fails with 422 when an immutable Job field changes on update', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(job('a'));
    const changed = structuredClone(created);
    changed.spec.completionMode = 'Indexed';
    changed.spec.completions = 1;
    changed.spec.template.spec.containers[0].image = 'busybox:1.37';
    assert.throws(() => store.replace(changed), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 422);
      assert.ok(err.causes.some((c) => c.field.startsWith('spec.template') || c.field === 'spec.completionMode'), JSON.stringify(err.causes));
      return true;
    });
  });

  it('lists by namespace and label selector in name order', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    store.create(pod('b', { app: 'x', tier: 'web' }));
    store.create(pod('a', { app: 'x' }));
    store.create(pod('c', { app: 'y' }));
    store.create({ ...pod('d', { app: 'x' }), metadata: { name: 'd', namespace: 'ns2', labels: { app: 'x' } } });
    const names = (sel?: Record<string, string> | string, ns?: string): string[] => store.list('Pod', ns, sel).map((p) => p.metadata.name);
    assert.deepEqual(names({ app: 'x' }, 'ns1'), ['a', 'b']);
    assert.deepEqual(names({ app: 'x' }), ['a', 'b', 'd']);
    assert.deepEqual(names('app in (x,y),!tier', 'ns1'), ['a', 'c']);
    assert.deepEqual(names('app!=x'), ['c']);
    assert.deepEqual(names('tier'), ['b']);
    assert.deepEqual(names('app notin (x)'), ['c']);
  });

  it('delivers every change to watchers in resourceVersion order, also for writes made by a watcher', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const seen: string[] = [];
    store.watch((e) => {
      if (e.object.kind === 'Pod' && e.type === 'ADDED') store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${e.object.metadata.name}`, namespace: 'ns1' } });
    });
    store.watch((e) => seen.push(`${e.type} ${e.object.kind} ${e.object.metadata.resourceVersion}`));
    store.create(pod('p'));
    assert.deepEqual(seen, ['ADDED Pod 1', 'ADDED ConfigMap 2']);
  });

  it('stops delivering after unsubscribe', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const seen: StoreEvent[] = [];
    const stop = store.watch((e) => seen.push(e));
    store.create(pod('p'));
    stop();
    store.create(pod('q'));
    assert.equal(seen.length, 1);
  });

  it('keeps a bounded history and answers 410 Expired for a resourceVersion older than it', () => {
    const store = new MemoryStore({ seedNamespaces: false, historyLimit: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.create(pod(name));
    assert.deepEqual(store.eventsSince('2').map((h) => h.event.object.metadata.name), ['c', 'd', 'e']);
    assert.deepEqual(store.eventsSince('4').map((h) => h.resourceVersion), [5]);
    assert.throws(() => store.eventsSince('1'), storeError(410, 'Expired'));
    assert.throws(() => store.eventsSince('x'), storeError(400, 'BadRequest'));
  });

  it('checks uid and resourceVersion preconditions on delete', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const created = store.create(pod('p'));
    assert.throws(() => store.delete('Pod', 'ns1', 'p', { preconditions: { uid: 'other' } }), storeError(409, 'Conflict'));
    assert.throws(() => store.delete('Pod', 'ns1', 'p', { preconditions: { resourceVersion: '99' } }), storeError(409, 'Conflict'));
    const deleted = store.delete('Pod', 'ns1', 'p', { preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } });
    assert.equal(deleted?.metadata.name, 'p');
    assert.equal(store.get('Pod', 'ns1', 'p'), undefined);
    assert.equal(store.delete('Pod', 'ns1', 'p'), undefined);
  });

  function ownerWithPods(store: MemoryStore): { uid: string; events: string[] } {
    const owner = store.create(job('j'));
    store.create(pod('p1', {}, { name: 'j', uid: owner.metadata.uid }));
    store.create(pod('p2', {}, { name: 'j', uid: owner.metadata.uid }));
    store.create(pod('other'));
    const events: string[] = [];
    store.watch((e) => events.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`));
    return { uid: owner.metadata.uid, events };
  }

  it('deletes dependents after the owner with Background propagation', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const { events } = ownerWithPods(store);
    store.delete('Job', 'ns1', 'j', { propagationPolicy: 'Background' });
    assert.deepEqual(events, ['DELETED Job/j', 'DELETED Pod/p1', 'DELETED Pod/p2']);
    assert.deepEqual(store.list('Pod').map((p) => p.metadata.name), ['other']);
  });

  it('deletes dependents before the owner with Foreground propagation', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const { events } = ownerWithPods(store);
    store.delete('Job', 'ns1', 'j', { propagationPolicy: 'Foreground' });
    assert.deepEqual(events, ['MODIFIED Job/j', 'DELETED Pod/p1', 'DELETED Pod/p2', 'DELETED Job/j']);
    assert.equal(store.get('Job', 'ns1', 'j'), undefined);
  });

  function ownerWithRunningPod(store: MemoryStore): { uid: string; events: string[] } {
    const owner = store.create(job('j'));
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
    store.create({ ...pod('p1'), metadata: { name: 'p1', namespace: 'ns1', ownerReferences: [ref] }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' } });
    const events: string[] = [];
    store.watch((e) => events.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`));
    return { uid: owner.metadata.uid, events };
  }

  it('deletes a running dependent pod gracefully, and keeps a Foreground owner until its blocking dependents are gone', () => {
    const store = new MemoryStore({ clock: fixedClock, seedNamespaces: false });
    const { events } = ownerWithRunningPod(store);
    const marked = store.delete('Job', 'ns1', 'j', { propagationPolicy: 'Foreground' })!;
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    const terminating = store.get('Pod', 'ns1', 'p1')!;
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
    assert.deepEqual(store.get('Job', 'ns1', 'j')!.metadata.finalizers, ['foregroundDeletion']);
    // Its kubelet has stopped it and deletes it for good: then the owner goes.
    store.delete('Pod', 'ns1', 'p1', { gracePeriodSeconds: 0 });
    assert.equal(store.get('Job', 'ns1', 'j'), undefined);
    assert.deepEqual(events, ['MODIFIED Job/j', 'MODIFIED Pod/p1', 'DELETED Pod/p1', 'DELETED Job/j']);
  });

  it('deletes a running dependent pod gracefully with Background propagation', () => {
    const store = new MemoryStore({ clock: fixedClock, seedNamespaces: false });
    const { events } = ownerWithRunningPod(store);
    store.delete('Job', 'ns1', 'j', { propagationPolicy: 'Background' });
    assert.equal(store.get('Job', 'ns1', 'j'), undefined);
    assert.equal(store.get('Pod', 'ns1', 'p1')!.metadata.deletionGracePeriodSeconds, 30);
    assert.deepEqual(events, ['DELETED Job/j', 'MODIFIED Pod/p1']);
  });

  it('removes the ownerReference from dependents with Orphan propagation', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const { events } = ownerWithPods(store);
    store.delete('Job', 'ns1', 'j', { propagationPolicy: 'Orphan' });
    assert.deepEqual(events, ['MODIFIED Pod/p1', 'MODIFIED Pod/p2', 'DELETED Job/j']);
    assert.equal(store.get('Pod', 'ns1', 'p1')!.metadata.ownerReferences, undefined);
  });

  it('keeps an object with finalizers until they are removed', () => {
    const store = new MemoryStore({ clock: fixedClock, seedNamespaces: false });
    store.create({ ...pod('p'), metadata: { name: 'p', namespace: 'ns1', finalizers: ['example.com/hold'] } });
    const marked = store.delete('Pod', 'ns1', 'p')!;
    assert.equal(marked.metadata.deletionTimestamp, '2026-01-02T03:04:05Z');
    assert.ok(store.get('Pod', 'ns1', 'p'));
    store.replace({ ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    assert.equal(store.get('Pod', 'ns1', 'p'), undefined);
  });

  it('stores nothing and notifies no one on dry-run writes', () => {
    const store = new MemoryStore({ seedNamespaces: false });
    const seen: StoreEvent[] = [];
    store.watch((e) => seen.push(e));
    const answer = store.create(pod('p'), { dryRun: true });
    assert.equal(answer.metadata.name, 'p');
    assert.equal(store.get('Pod', 'ns1', 'p'), undefined);
    const created = store.create(pod('p'));
    store.replace({ ...created, metadata: { ...created.metadata, labels: { a: 'b' } } }, { dryRun: true });
    store.delete('Pod', 'ns1', 'p', { dryRun: true });
    assert.deepEqual(store.get('Pod', 'ns1', 'p'), created);
    assert.equal(seen.length, 1);
  });
});

describe('MemoryStore namespaces', () => {
  it('deletes everything in a namespace, then the namespace', () => {
    const store = new MemoryStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
    const owner = store.create(job('j'));
    store.create(pod('p1', {}, { name: 'j', uid: owner.metadata.uid }));
    store.create({ ...pod('elsewhere'), metadata: { name: 'elsewhere', namespace: 'default' } });
    const events: string[] = [];
    store.watch((e) => events.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`));
    store.delete('Namespace', undefined, 'ns1');
    assert.deepEqual(events, ['MODIFIED Namespace/ns1', 'DELETED Job/j', 'DELETED Pod/p1', 'DELETED Namespace/ns1']);
    assert.deepEqual(store.list('Pod').map((p) => p.metadata.name), ['elsewhere']);
  });
});

describe('MemoryStore query after a key', () => {
  it('returns exactly the objects whose key sorts after it, now and at an older resourceVersion', () => {
    const store = new MemoryStore({ clock: fixedClock });
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.create(job(name));
    const at = Number(store.resourceVersion);
    store.delete('Job', 'ns1', 'b');
    store.create(job('bb'));
    store.delete('Job', 'ns1', 'd');
    const names = (opts: { after?: string; at?: number }): string[] => store.query('Job', opts).map((o) => o.metadata.name);
    assert.deepEqual(names({ after: store.keyOf('Job', 'ns1', 'b') }), ['bb', 'c', 'e']);
    assert.deepEqual(names({ after: 'ns1/b' }), ['bb', 'c', 'e']);
    assert.deepEqual(names({ after: 'ns1/e' }), []);
    assert.deepEqual(names({ after: 'ns0/z' }), ['a', 'bb', 'c', 'e']);
    // At the older resourceVersion: b and d exist again, bb not yet.
    assert.deepEqual(names({ after: 'ns1/a', at }), ['b', 'c', 'd', 'e']);
    assert.deepEqual(names({ after: 'ns1/c', at }), ['d', 'e']);
  });
});
