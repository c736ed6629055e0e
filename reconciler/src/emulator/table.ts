/**
 * Server-side printing (`meta.k8s.io/v1` Table), which `kubectl get` asks for with
 * `Accept: application/json;as=Table;…`: the columns the API server prints for Jobs, CronJobs,
 * Pods, Events, Namespaces, Nodes, Leases and ResourceQuotas, and NAME/AGE for the rest. Ages and durations are
 * measured on the store's clock, so a sandbox running simulated time shows simulated ages.
 */
import type { ResourceType } from './resources.ts';
import type { StoredObject } from './types.ts';

interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly format?: string;
  readonly priority?: number;
  readonly cell: (obj: StoredObject, now: number) => string | number;
}

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /;\s*as=Table/i.test(accept ?? '');
}

function ms(time: unknown): number | undefined {
  if (typeof time !== 'string' || !time) return undefined;
  const t = Date.parse(time);
  return Number.isNaN(t) ? undefined : t;
}

function plural(n: number, unit: string, rest?: [number, string]): string {
  return rest && rest[0] !== 0 ? `${n}${unit}${rest[0]}${rest[1]}` : `${n}${unit}`;
}

function longDuration(hours: number): string {
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return plural(days, 'd', [hours % 24, 'h']);
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return plural(years, 'y', [days % 365, 'd']);
  return `${years}y`;
}

/** `k8s.io/apimachinery/pkg/util/duration.HumanDuration`. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return plural(minutes, 'm', [seconds % 60, 's']);
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return plural(hours, 'h', [minutes % 60, 'm']);
  return hours < 48 ? `${hours}h` : longDuration(hours);
}

function since(time: unknown, now: number): string {
  const t = ms(time);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', cell: (o, now) => since(o.metadata.creationTimestamp, now) };

function hasCondition(obj: StoredObject, type: string): boolean {
  const conditions = (obj.status?.conditions ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/** Conditions that name a Job's state while it is neither finished nor terminating, in printing order. */
const UNFINISHED_STATES = ['Suspended', 'FailureTarget', 'SuccessCriteriaMet'];

function jobStatus(job: StoredObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  return UNFINISHED_STATES.find((type) => hasCondition(job, type)) ?? 'Running';
}

function jobCompletions(job: StoredObject): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 1;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: StoredObject, now: number): string {
  const start = ms(job.status?.startTime);
  if (start === undefined) return '';
  return humanDuration((ms(job.status?.completionTime) ?? now) - start);
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function containerStatuses(pod: StoredObject): ContainerStatus[] {
  return (pod.status?.containerStatuses ?? []) as ContainerStatus[];
}

function containerReason(c: ContainerStatus): string | undefined {
  return c.state?.waiting?.reason ?? c.state?.terminated?.reason;
}

function podStatus(pod: StoredObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const fromContainers = containerStatuses(pod).map(containerReason).filter((r) => r !== undefined);
  return fromContainers.at(-1) ?? pod.status?.reason ?? pod.status?.phase ?? 'Pending';
}

function nodeStatus(node: StoredObject): string {
  const ready = ((node.status?.conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready');
  if (!ready) return 'Unknown';
  return ready.status === 'True' ? 'Ready' : 'NotReady';
}

function eventObject(ev: StoredObject): string {
  const ref = (ev.involvedObject ?? ev.regarding ?? {}) as { kind?: string; name?: string };
  return `${(ref.kind ?? '').toLowerCase()}/${ref.name ?? ''}`;
}

/** `requests.cpu: 500m/2, pods: 1/10`: used over hard, as kubectl prints quotas. */
function quotaCell(quota: StoredObject, include: (key: string) => boolean): string {
  const hard = (quota.status?.hard ?? {}) as Record<string, string>;
  const used = (quota.status?.used ?? {}) as Record<string, string>;
  return Object.keys(hard)
    .filter(include)
    .sort()
    .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
    .join(', ');
}

const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  Job: [
    NAME,
    { name: 'Status', type: 'string', cell: jobStatus },
    { name: 'Completions', type: 'string', cell: jobCompletions },
    { name: 'Duration', type: 'string', cell: jobDuration },
    AGE,
  ],
  CronJob: [
    NAME,
    { name: 'Schedule', type: 'string', cell: (o) => o.spec?.schedule ?? '' },
    { name: 'Timezone', type: 'string', cell: (o) => o.spec?.timeZone ?? '<none>' },
    { name: 'Suspend', type: 'string', cell: (o) => (o.spec?.suspend ? 'True' : 'False') },
    { name: 'Active', type: 'integer', cell: (o) => (o.status?.active ?? []).length },
    { name: 'Last Schedule', type: 'string', cell: (o, now) => (o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>') },
    AGE,
  ],
  Pod: [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${containerStatuses(o).filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}` },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: (o) => String(containerStatuses(o).reduce((n, c) => n + (c.restartCount ?? 0), 0)) },
    AGE,
    { name: 'Node', type: 'string', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: (o, now) => since(o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now) },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o.reason ?? '') },
    { name: 'Object', type: 'string', cell: eventObject },
    { name: 'Message', type: 'string', cell: (o) => String(o.message ?? o.note ?? '') },
  ],
  Namespace: [NAME, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, AGE],
  Node: [
    NAME,
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    AGE,
    { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  ],
  Lease: [NAME, { name: 'Holder', type: 'string', cell: (o) => o.spec?.holderIdentity ?? '' }, AGE],
  ResourceQuota: [
    NAME,
    AGE,
    { name: 'Request', type: 'string', cell: (o) => quotaCell(o, (k) => !k.startsWith('limits.')) },
    { name: 'Limit', type: 'string', cell: (o) => quotaCell(o, (k) => k.startsWith('limits.')) },
  ],
};

function columnsFor(kind: string): readonly Column[] {
  return COLUMNS[kind] ?? [NAME, AGE];
}

/** Builds a Table of `objects`; `includeColumns: false` omits the column definitions (later watch events). */
export function toTable(
  r: ResourceType,
  objects: readonly StoredObject[],
  opts: { now: number; includeColumns?: boolean; listMeta?: Record<string, unknown> },
): Record<string, unknown> {
  const columns = columnsFor(r.kind);
  const columnDefinitions =
    opts.includeColumns === false
      ? []
      : columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 }));
  const rows = objects.map((obj) => ({
    cells: columns.map((c) => c.cell(obj, opts.now)),
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: opts.listMeta ?? {}, columnDefinitions, rows };
}
