/**
 * The REST conformance scenarios: each sends the same requests to a target and returns what it
 * observed (status codes, Status bodies, objects), which `normalise` then makes comparable.
 */
import type { Answer, Target, WatchEvent, WatchStream } from './client.ts';

/** What one scenario observed. */
export type Observation = Record<string, unknown>;

/** A scenario: requests against `t` in the namespace `ns`. */
export type Scenario = (t: Target, ns: string) => Promise<Observation>;

/** Lists and watches select `app=conformance`: a real cluster publishes `kube-root-ca.crt` in every namespace. */
const OURS = 'labelSelector=app%3Dconformance';
const CM = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
const CJ = (ns: string, name = ''): string => `/apis/batch/v1/namespaces/${ns}/cronjobs${name ? `/${name}` : ''}`;
const JOBS = (ns: string, name = ''): string => `/apis/batch/v1/namespaces/${ns}/jobs${name ? `/${name}` : ''}`;
const LEASES = (ns: string, name = ''): string => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases${name ? `/${name}` : ''}`;

function configMap(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'conformance' }, ...extra }, data: { a: '1' } };
}

function job(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }] } }, ...spec },
  };
}

function cronJob(name: string): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '0 0 1 1 *', suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } } } },
  };
}

/** Status code and body of an answer. */
function seen(a: Answer): Observation {
  return { status: a.status, body: a.body };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `path` until `done` holds for its answer (or 30 s pass); returns the last answer. */
async function until(t: Target, path: string, done: (a: Answer) => boolean): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const a = await t.call('GET', path);
    if (done(a) || Date.now() > deadline) return a;
    await sleep(200);
  }
}

/** Reads watch events until `stop` holds (or the stream goes quiet); returns their types and objects. */
async function collect(w: WatchStream, stop: (e: WatchEvent) => boolean): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for (let e = await w.next(); e; e = await w.next()) {
    events.push(e);
    if (stop(e)) break;
  }
  w.close();
  return events;
}

function names(list: Answer): string[] {
  return (list.body?.items ?? []).map((i: { metadata: { name: string } }) => i.metadata.name);
}

/** The scenarios, by name. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'create and get': async (t, ns) => {
    const created = await t.call('POST', CM(ns), configMap('one'));
    return { created: seen(created), got: seen(await t.call('GET', CM(ns, 'one'))) };
  },
  'create with generateName': async (t, ns) => {
    const created = await t.call('POST', CM(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    return { status: created.status, generated: /^gen-[a-z0-9]{5}$/.test(created.body.metadata.name) };
  },
  '409 AlreadyExists': async (t, ns) => {
    await t.call('POST', CM(ns), configMap('twice'));
    return seen(await t.call('POST', CM(ns), configMap('twice')));
  },
  '409 Conflict on a stale resourceVersion': async (t, ns) => {
    const a = await t.call('POST', CM(ns), configMap('stale'));
    await t.call('PUT', CM(ns, 'stale'), { ...a.body, data: { a: '2' } });
    return seen(await t.call('PUT', CM(ns, 'stale'), { ...a.body, data: { a: '3' } }));
  },
  '404 NotFound': async (t, ns) => ({
    configMap: seen(await t.call('GET', CM(ns, 'missing'))),
    job: seen(await t.call('GET', JOBS(ns, 'missing'))),
    deleteJob: seen(await t.call('DELETE', JOBS(ns, 'missing'))),
    patchLease: seen(await t.call('PATCH', LEASES(ns, 'missing'), { spec: {} }, 'application/merge-patch+json')),
  }),
  '422 Invalid with causes': async (t, ns) => ({
    badName: seen(await t.call('POST', CM(ns), configMap('Bad_Name'))),
    badJob: seen(await t.call('POST', JOBS(ns), job('bad-job', { backoffLimit: -1 }))),
  }),
  'merge, JSON and strategic-merge patches': async (t, ns) => {
    await t.call('POST', JOBS(ns), job('patched'));
    const merge = await t.call('PATCH', JOBS(ns, 'patched'), { metadata: { labels: { m: '1' } } }, 'application/merge-patch+json');
    const json = await t.call('PATCH', JOBS(ns, 'patched'), [{ op: 'add', path: '/metadata/annotations', value: { j: '1' } }], 'application/json-patch+json');
    await t.call('POST', CJ(ns), cronJob('patched-cj'));
    const strategic = await t.call(
      'PATCH',
      CJ(ns, 'patched-cj'),
      { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } } } },
      'application/strategic-merge-patch+json',
    );
    const failedTest = await t.call('PATCH', JOBS(ns, 'patched'), [{ op: 'test', path: '/metadata/name', value: 'other' }], 'application/json-patch+json');
    const staleRv = await t.call('PATCH', JOBS(ns, 'patched'), { metadata: { resourceVersion: '1' } }, 'application/merge-patch+json');
    return {
      merge: { status: merge.status, labels: merge.body.metadata.labels },
      json: { status: json.status, annotations: json.body.metadata.annotations },
      strategic: { status: strategic.status, containers: strategic.body.spec.jobTemplate.spec.template.spec.containers.map((c: { name: string }) => c.name) },
      failedTest: { status: failedTest.status, reason: failedTest.body.reason },
      staleRv: seen(staleRv),
    };
  },
  'dryRun=All': async (t, ns) => {
    const created = await t.call('POST', `${CM(ns)}?dryRun=All`, configMap('dry'));
    const after = await t.call('GET', CM(ns, 'dry'));
    await t.call('POST', CM(ns), configMap('dry-delete'));
    const deleted = await t.call('DELETE', `${CM(ns, 'dry-delete')}?dryRun=All`);
    const still = await t.call('GET', CM(ns, 'dry-delete'));
    const bad = await t.call('POST', `${CM(ns)}?dryRun=Some`, configMap('dry-bad'));
    return { created: created.status, name: created.body.metadata.name, after: after.status, deleted: deleted.status, still: still.status, bad: seen(bad) };
  },
  'fieldValidation': async (t, ns) => {
    const body = { ...job('fv'), unknownTop: 1, metadata: { name: 'fv', bogus: true } };
    const strict = await t.call('POST', `${JOBS(ns)}?fieldValidation=Strict`, body);
    const warn = await t.call('POST', `${JOBS(ns)}?fieldValidation=Warn`, body);
    const ignore = await t.call('POST', `${JOBS(ns)}?fieldValidation=Ignore&dryRun=All`, { ...body, metadata: { name: 'fv2', bogus: true } });
    const invalid = await t.call('POST', `${JOBS(ns)}?fieldValidation=Loud`, body);
    return { strict: seen(strict), warn: { status: warn.status, warnings: warn.warnings.sort() }, ignore: { status: ignore.status, warnings: ignore.warnings }, invalid: seen(invalid) };
  },
  'status subresource': async (t, ns) => {
    await t.call('POST', CJ(ns), cronJob('cj'));
    const when = '2026-01-01T00:00:00Z';
    const main = await t.call('PATCH', CJ(ns, 'cj'), { spec: { schedule: '0 0 2 1 *' }, status: { lastScheduleTime: when } }, 'application/merge-patch+json');
    const status = await t.call('PATCH', `${CJ(ns, 'cj')}/status`, { spec: { schedule: '0 0 3 1 *' }, status: { lastScheduleTime: when } }, 'application/merge-patch+json');
    const full = status.body;
    const put = await t.call('PUT', CJ(ns, 'cj'), { ...full, spec: { ...full.spec, schedule: '0 0 4 1 *' }, status: {} });
    return {
      main: { status: main.status, schedule: main.body.spec.schedule, statusField: main.body.status },
      status: { status: status.status, schedule: status.body.spec.schedule, statusField: status.body.status },
      put: { status: put.status, schedule: put.body.spec.schedule, statusField: put.body.status },
      generations: [main.body.metadata.generation, status.body.metadata.generation, put.body.metadata.generation],
    };
  },
  'list resourceVersion semantics': async (t, ns) => {
    const a = await t.call('POST', CM(ns), configMap('rv-a'));
    const rv = a.body.metadata.resourceVersion as string;
    const zero = await t.call('GET', `${CM(ns)}?${OURS}&resourceVersion=0`);
    const notOlder = await t.call('GET', `${CM(ns)}?${OURS}&resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    const exact = await t.call('GET', `${CM(ns)}?${OURS}&resourceVersion=${rv}&resourceVersionMatch=Exact`);
    const matchWithoutRv = await t.call('GET', `${CM(ns)}?resourceVersionMatch=Exact`);
    const badMatch = await t.call('GET', `${CM(ns)}?resourceVersion=${rv}&resourceVersionMatch=Newest`);
    const bad = await t.call('GET', `${CM(ns)}?resourceVersion=abc`);
    return {
      zero: { status: zero.status, names: names(zero) },
      notOlder: { status: notOlder.status, names: names(notOlder) },
      exact: { status: exact.status, names: names(exact), rvIsRequested: exact.body.metadata.resourceVersion === rv },
      matchWithoutRv: seen(matchWithoutRv),
      badMatch: seen(badMatch),
      bad: seen(bad),
    };
  },
  'chunked list': async (t, ns) => {
    for (const n of ['p-1', 'p-2', 'p-3']) await t.call('POST', CM(ns), configMap(n));
    const first = await t.call('GET', `${CM(ns)}?${OURS}&limit=2`);
    await t.call('POST', CM(ns), configMap('p-4'));
    const second = await t.call('GET', `${CM(ns)}?${OURS}&limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    const badToken = await t.call('GET', `${CM(ns)}?limit=2&continue=garbage`);
    return {
      first: { names: names(first), remaining: first.body.metadata.remainingItemCount ?? null, hasContinue: typeof first.body.metadata.continue === 'string' },
      second: { names: names(second), remaining: second.body.metadata.remainingItemCount ?? null, hasContinue: second.body.metadata.continue !== undefined, sameRv: second.body.metadata.resourceVersion === first.body.metadata.resourceVersion },
      badToken: seen(badToken),
    };
  },
  'label and field selectors': async (t, ns) => {
    await t.call('POST', CM(ns), configMap('sel-a', { labels: { tier: 'a' } }));
    await t.call('POST', CM(ns), configMap('sel-b', { labels: { tier: 'b' } }));
    const label = await t.call('GET', `${CM(ns)}?labelSelector=${encodeURIComponent('tier in (a)')}`);
    const notLabel = await t.call('GET', `${CM(ns)}?labelSelector=${encodeURIComponent('tier,tier!=a')}`);
    const field = await t.call('GET', `${CM(ns)}?fieldSelector=${encodeURIComponent('metadata.name=sel-b')}`);
    const unsupported = await t.call('GET', `${CM(ns)}?fieldSelector=${encodeURIComponent('data.a=1')}`);
    const badLabel = await t.call('GET', `${CM(ns)}?labelSelector=${encodeURIComponent('tier in a')}`);
    const jobField = await t.call('GET', `${JOBS(ns)}?fieldSelector=${encodeURIComponent('status.successful=1')}`);
    return { label: names(label), notLabel: names(notLabel), field: names(field), unsupported: seen(unsupported), badLabel: badLabel.status, jobField: jobField.status };
  },
  'watch from a resourceVersion, bookmarks, initial events': async (t, ns) => {
    const a = await t.call('POST', CM(ns), configMap('w-a'));
    await t.call('POST', CM(ns), configMap('w-b'));
    const from = await t.watch(`${CM(ns)}?${OURS}&watch=1&resourceVersion=${a.body.metadata.resourceVersion}`);
    const resumed = await collect(from, (e) => e.object?.metadata?.name === 'w-b');
    const initial = await t.watch(`${CM(ns)}?${OURS}&watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    const initialEvents = await collect(initial, (e) => e.type === 'BOOKMARK');
    const zero = await t.watch(`${CM(ns)}?${OURS}&watch=1&resourceVersion=0`);
    const zeroEvents = await collect(zero, (e) => e.object?.metadata?.name === 'w-b');
    const live = await t.watch(`${CM(ns)}?watch=1&resourceVersion=${a.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Dw-a`);
    await live.next(300);
    await t.call('DELETE', CM(ns, 'w-a'));
    const deleted = await collect(live, (e) => e.type === 'DELETED');
    return {
      resumed: resumed.map((e) => `${e.type} ${e.object.metadata.name}`),
      initial: initialEvents.map((e) => `${e.type} ${e.object.metadata.name ?? ''} ${JSON.stringify(e.object.metadata.annotations ?? {})}`),
      bookmarkKind: initialEvents.at(-1)?.object.kind,
      zero: zeroEvents.map((e) => `${e.type} ${e.object.metadata.name}`).sort(),
      deleted: deleted.map((e) => `${e.type} ${e.object.metadata.name}`),
    };
  },
  'finalizers': async (t, ns) => {
    await t.call('POST', CM(ns), configMap('fin', { finalizers: ['example.com/hold'] }));
    const deleted = await t.call('DELETE', CM(ns, 'fin'));
    const again = await t.call('DELETE', CM(ns, 'fin'));
    const kept = await t.call('GET', CM(ns, 'fin'));
    const released = await t.call('PATCH', CM(ns, 'fin'), { metadata: { finalizers: null } }, 'application/merge-patch+json');
    const gone = await t.call('GET', CM(ns, 'fin'));
    return {
      deleted: { status: deleted.status, hasDeletionTimestamp: typeof deleted.body.metadata.deletionTimestamp === 'string', grace: deleted.body.metadata.deletionGracePeriodSeconds },
      again: again.status,
      kept: { status: kept.status, finalizers: kept.body.metadata.finalizers },
      released: released.status,
      gone: gone.status,
    };
  },
  'deletion propagation with the garbage collector': async (t, ns) => {
    const out: Observation = {};
    for (const policy of ['Foreground', 'Background', 'Orphan']) {
      const owner = await t.call('POST', CM(ns), configMap(`owner-${policy.toLowerCase()}`));
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: owner.body.metadata.name, uid: owner.body.metadata.uid, blockOwnerDeletion: true };
      const dep = `dep-${policy.toLowerCase()}`;
      await t.call('POST', CM(ns), configMap(dep, { ownerReferences: [ref] }));
      const deleted = await t.call('DELETE', CM(ns, owner.body.metadata.name), { propagationPolicy: policy });
      const ownerGone = await until(t, CM(ns, owner.body.metadata.name), (a) => a.status === 404);
      const depAfter = await until(t, CM(ns, dep), (a) => a.status === 404 || a.body.metadata.ownerReferences === undefined);
      out[policy] = {
        status: deleted.status,
        finalizers: deleted.body.metadata.finalizers ?? [],
        hasDeletionTimestamp: typeof deleted.body.metadata.deletionTimestamp === 'string',
        ownerGone: ownerGone.status,
        dependent: depAfter.status === 404 ? 'deleted' : { ownerReferences: depAfter.body.metadata.ownerReferences ?? null },
      };
    }
    out.jobDefault = await jobDefaultPropagation(t, ns);
    return out;
  },
  'Events in both APIs': async (t, ns) => {
    const eventTime = '2026-01-01T00:00:00.000000Z';
    const created = await t.call('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'ev' },
      eventTime,
      reportingController: 'example.com/conformance',
      reportingInstance: 'conformance-1',
      action: 'Check',
      reason: 'Checked',
      type: 'Normal',
      note: 'checked it',
      regarding: { apiVersion: 'batch/v1', kind: 'Job', name: 'x', namespace: ns },
    });
    const core = await t.call('GET', `/api/v1/namespaces/${ns}/events/ev`);
    const missingTime = await t.call('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, { metadata: { name: 'ev2' }, reason: 'R', type: 'Normal', action: 'A', reportingController: 'c', reportingInstance: 'i' });
    return { created: seen(created), core: seen(core), missingTime: seen(missingTime) };
  },
  'Leases': async (t, ns) => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 0 } };
    const created = await t.call('POST', LEASES(ns), lease);
    const renewed = await t.call('PUT', LEASES(ns, 'lock'), { ...created.body, spec: { ...created.body.spec, renewTime: '2026-01-01T00:00:05.000000Z' } });
    const stale = await t.call('PUT', LEASES(ns, 'lock'), { ...created.body, spec: { ...created.body.spec, holderIdentity: 'b' } });
    const putCreate = await t.call('PUT', LEASES(ns, 'other'), { ...lease, metadata: { name: 'other' } });
    return { created: seen(created), renewed: seen(renewed), stale: seen(stale), putCreate: putCreate.status };
  },
};

/** A batch/v1 Job deleted without options orphans its pods' owner references (the Job's default policy). */
async function jobDefaultPropagation(t: Target, ns: string): Promise<Observation> {
  const created = await t.call('POST', JOBS(ns), job('default-policy'));
  const deleted = await t.call('DELETE', JOBS(ns, 'default-policy'));
  return { created: created.status, status: deleted.status, finalizers: deleted.body.metadata?.finalizers ?? [] };
}

const PODS = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/pods${name ? `/${name}` : ''}`;

/** A pod bound to `node` (no scheduler or kubelet is involved: the suite writes its phase itself). */
function pod(name: string, node: string | undefined, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'conformance' } }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'main', image: 'busybox' }], ...spec } };
}

function eviction(name: string, extra: Record<string, unknown> = {}, apiVersion = 'policy/v1'): Record<string, unknown> {
  return { apiVersion, kind: 'Eviction', metadata: { name }, ...extra };
}

/** A pod in `phase` on `node` (phase written through the status subresource, as a kubelet does). */
async function podIn(t: Target, ns: string, name: string, phase: string | undefined, node: string | null = `node-${ns}`): Promise<Answer> {
  const created = await t.call('POST', PODS(ns), pod(name, node ?? undefined));
  if (!phase) return created;
  return t.call('PATCH', `${PODS(ns, name)}/status`, { status: { phase } }, 'application/merge-patch+json');
}

/** What a deletion left on a pod: whether it is still there, its deletion marks, generation, phase and conditions (without times). */
async function deletionState(t: Target, ns: string, name: string): Promise<Observation> {
  const a = await t.call('GET', PODS(ns, name));
  if (a.status !== 200) return { status: a.status };
  const meta = a.body.metadata;
  return {
    status: a.status,
    terminating: typeof meta.deletionTimestamp === 'string',
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds ?? null,
    generation: meta.generation ?? null,
    phase: a.body.status?.phase ?? null,
    conditions: (a.body.status?.conditions ?? []).map(({ lastTransitionTime, ...c }: Record<string, unknown>) => ({ ...c, hasTransitionTime: typeof lastTransitionTime === 'string' })),
    finalizers: meta.finalizers ?? [],
  };
}

/** Registers the node the scenario's pods are bound to; `cleanUp` force-deletes the pods (no kubelet will) and the node. */
async function withNode(t: Target, ns: string): Promise<{ node: string; cleanUp: () => Promise<void> }> {
  const node = `node-${ns}`;
  await t.call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { app: 'conformance' } } });
  return {
    node,
    cleanUp: async () => {
      await t.call('DELETE', PODS(ns), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
      await t.call('DELETE', `/api/v1/nodes/${node}`);
    },
  };
}

function seconds(a: Answer): number {
  return Date.parse(a.body.metadata.deletionTimestamp) / 1000;
}

/** The pod eviction and graceful deletion scenarios (no PodDisruptionBudget selects the pods). */
export const POD_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'pod eviction': async (t, ns) => {
    const { cleanUp } = await withNode(t, ns);
    const out: Observation = {};
    const running = await podIn(t, ns, 'running', 'Running');
    const watch = await t.watch(`${PODS(ns)}?watch=1&resourceVersion=${running.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Drunning`);
    out.evicted = seen(await t.call('POST', `${PODS(ns, 'running')}/eviction`, eviction('running')));
    out.afterEviction = await deletionState(t, ns, 'running');
    const events = await collect(watch, (e) => typeof e.object?.metadata?.deletionTimestamp === 'string');
    out.watched = events.map((e) => `${e.type} deleting=${typeof e.object.metadata.deletionTimestamp === 'string'} conditions=${(e.object.status?.conditions ?? []).map((c: { type: string }) => c.type).join(',')}`);
    const before = (await t.call('GET', PODS(ns, 'running'))).body.metadata.resourceVersion;
    out.again = seen(await t.call('POST', `${PODS(ns, 'running')}/eviction`, eviction('running')));
    out.againUnchanged = (await t.call('GET', PODS(ns, 'running'))).body.metadata.resourceVersion === before;
    out.shorter = (await t.call('POST', `${PODS(ns, 'running')}/eviction`, eviction('running', { deleteOptions: { gracePeriodSeconds: 5 } }))).status;
    out.afterShorter = await deletionState(t, ns, 'running');
    await podIn(t, ns, 'beta', 'Running');
    out.v1beta1 = seen(await t.call('POST', `${PODS(ns, 'beta')}/eviction`, eviction('beta', {}, 'policy/v1beta1')));
    out.afterV1beta1 = await deletionState(t, ns, 'beta');
    out.missing = seen(await t.call('POST', `${PODS(ns, 'missing')}/eviction`, eviction('missing')));
    out.nameMismatch = seen(await t.call('POST', `${PODS(ns, 'running')}/eviction`, eviction('other')));
    out.wrongVersion = seen(await t.call('POST', `${PODS(ns, 'running')}/eviction`, eviction('running', {}, 'v1')));
    out.wrongMethod = (await t.call('PUT', `${PODS(ns, 'running')}/eviction`, eviction('running'))).status;
    await podIn(t, ns, 'unscheduled', undefined, null);
    out.unscheduled = (await t.call('POST', `${PODS(ns, 'unscheduled')}/eviction`, eviction('unscheduled'))).status;
    out.afterUnscheduled = await deletionState(t, ns, 'unscheduled');
    await podIn(t, ns, 'pending', undefined);
    out.pending = (await t.call('POST', `${PODS(ns, 'pending')}/eviction`, eviction('pending'))).status;
    out.afterPending = await deletionState(t, ns, 'pending');
    await podIn(t, ns, 'succeeded', 'Succeeded');
    out.succeeded = (await t.call('POST', `${PODS(ns, 'succeeded')}/eviction`, eviction('succeeded'))).status;
    out.afterSucceeded = await deletionState(t, ns, 'succeeded');
    await t.call('POST', PODS(ns), { ...pod('held', `node-${ns}`), metadata: { name: 'held', labels: { app: 'conformance' }, finalizers: ['example.com/hold'] } });
    await t.call('PATCH', `${PODS(ns, 'held')}/status`, { status: { phase: 'Failed' } }, 'application/merge-patch+json');
    out.failedHeld = (await t.call('POST', `${PODS(ns, 'held')}/eviction`, eviction('held'))).status;
    out.afterFailedHeld = await deletionState(t, ns, 'held');
    await t.call('PATCH', PODS(ns, 'held'), { metadata: { finalizers: null } }, 'application/merge-patch+json');
    out.afterRelease = (await t.call('GET', PODS(ns, 'held'))).status;
    await podIn(t, ns, 'grace', 'Running');
    out.grace = (await t.call('POST', `${PODS(ns, 'grace')}/eviction`, eviction('grace', { deleteOptions: { gracePeriodSeconds: 7 } }))).status;
    out.afterGrace = await deletionState(t, ns, 'grace');
    out.preconditions = await evictionPreconditions(t, ns);
    await cleanUp();
    return out;
  },
  'graceful pod deletion': async (t, ns) => {
    const { node, cleanUp } = await withNode(t, ns);
    const out: Observation = {};
    await t.call('POST', PODS(ns), pod('del', node, { terminationGracePeriodSeconds: 12 }));
    await t.call('PATCH', `${PODS(ns, 'del')}/status`, { status: { phase: 'Running' } }, 'application/merge-patch+json');
    const first = await t.call('DELETE', PODS(ns, 'del'));
    out.first = { status: first.status, kind: first.body.kind, grace: first.body.metadata.deletionGracePeriodSeconds, generation: first.body.metadata.generation };
    const again = await t.call('DELETE', PODS(ns, 'del'));
    out.again = { status: again.status, grace: again.body.metadata.deletionGracePeriodSeconds, sameDeadline: seconds(again) === seconds(first) };
    const longer = await t.call('DELETE', PODS(ns, 'del'), { gracePeriodSeconds: 60 });
    out.longer = { status: longer.status, grace: longer.body.metadata.deletionGracePeriodSeconds, sameDeadline: seconds(longer) === seconds(first) };
    const shorter = await t.call('DELETE', PODS(ns, 'del'), { gracePeriodSeconds: 3 });
    out.shorter = { status: shorter.status, grace: shorter.body.metadata.deletionGracePeriodSeconds, deadlineMovedBy: seconds(shorter) - seconds(first) };
    out.stillThere = await deletionState(t, ns, 'del');
    const now = await t.call('DELETE', PODS(ns, 'del'), { gracePeriodSeconds: 0 });
    out.now = { status: now.status, grace: now.body.metadata.deletionGracePeriodSeconds, deadlineMovedBy: seconds(now) - seconds(first) };
    out.gone = (await t.call('GET', PODS(ns, 'del'))).status;
    await podIn(t, ns, 'unscheduled', undefined, null);
    const unscheduled = await t.call('DELETE', PODS(ns, 'unscheduled'));
    out.unscheduled = { status: unscheduled.status, grace: unscheduled.body.metadata.deletionGracePeriodSeconds, terminating: typeof unscheduled.body.metadata.deletionTimestamp === 'string', gone: (await t.call('GET', PODS(ns, 'unscheduled'))).status };
    await podIn(t, ns, 'done', 'Succeeded');
    const done = await t.call('DELETE', PODS(ns, 'done'));
    out.succeeded = { status: done.status, grace: done.body.metadata.deletionGracePeriodSeconds, gone: (await t.call('GET', PODS(ns, 'done'))).status };
    await podIn(t, ns, 'query', undefined);
    out.queryGrace = (await t.call('DELETE', `${PODS(ns, 'query')}?gracePeriodSeconds=4`)).body.metadata.deletionGracePeriodSeconds;
    await podIn(t, ns, 'negative', 'Running');
    out.negativeGrace = (await t.call('DELETE', PODS(ns, 'negative'), { gracePeriodSeconds: -1 })).body.metadata.deletionGracePeriodSeconds;
    await podIn(t, ns, 'default', 'Running');
    out.defaultGrace = (await t.call('DELETE', PODS(ns, 'default'))).body.metadata.deletionGracePeriodSeconds;
    await cleanUp();
    return out;
  },
};

/** An eviction's preconditions and dryRun: the uid and resourceVersion in the answers are the pod's own, replaced here. */
async function evictionPreconditions(t: Target, ns: string): Promise<Observation> {
  const running = await podIn(t, ns, 'precondition', 'Running');
  const { uid, resourceVersion } = running.body.metadata;
  const mask = (a: Answer): Observation => ({ status: a.status, body: JSON.parse(JSON.stringify(a.body).split(uid).join('<pod-uid>').split(`(${resourceVersion})`).join('(<pod-rv>)')) });
  const wrongUid = await t.call('POST', `${PODS(ns, 'precondition')}/eviction`, eviction('precondition', { deleteOptions: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } }));
  const wrongRv = await t.call('POST', `${PODS(ns, 'precondition')}/eviction`, eviction('precondition', { deleteOptions: { preconditions: { resourceVersion: '1' } } }));
  const dryRun = await t.call('POST', `${PODS(ns, 'precondition')}/eviction?dryRun=All`, eviction('precondition'));
  const afterDryRun = (await t.call('GET', PODS(ns, 'precondition'))).body.metadata.resourceVersion === resourceVersion;
  const rightRv = await t.call('POST', `${PODS(ns, 'precondition')}/eviction`, eviction('precondition', { deleteOptions: { preconditions: { uid, resourceVersion } } }));
  const afterRightRv = await deletionState(t, ns, 'precondition');
  const now = await t.call('POST', `${PODS(ns, 'precondition')}/eviction`, eviction('precondition', { deleteOptions: { gracePeriodSeconds: 0 } }));
  return { wrongUid: mask(wrongUid), wrongRv: mask(wrongRv), dryRun: seen(dryRun), afterDryRun, rightRv: rightRv.status, afterRightRv, now: now.status, gone: (await t.call('GET', PODS(ns, 'precondition'))).status };
}
