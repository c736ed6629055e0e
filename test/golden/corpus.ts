/**
 * The golden corpus: every object the harness sends to a real API server, as plain data.
 *
 * - `case/…`   the table cases of the rules tests (ported upstream `validation_test.go` cases and
 *              the per-rule rows), creates and updates;
 * - `walk/…`   fast-check walks over every Job and CronJob rule's boundaries (numeric limits ±1,
 *              every enum value and a wrong one, version-gated fields, the completions / parallelism
 *              / completionMode / backoffLimitPerIndex / maxFailedIndexes / podFailurePolicy /
 *              successPolicy / suspend / managedBy combinations, names at length limits, cron and
 *              time zone edge cases);
 * - `pod/…`    realistic pod templates (init containers, sidecars, volumes, probes, resources,
 *              security contexts, env, service accounts), some with one thing wrong;
 * - `shape/…`  unknown and wrongly typed fields anywhere in an object;
 * - `update/…` the mutability table: each Job spec field changed on a Job in each state
 *              (running, suspended before start, suspended after running).
 *
 * Deterministic for a given seed and fast-check version; the recorded data keeps the objects
 * themselves, so the comparison never regenerates them.
 */
import * as fc from 'fast-check';
import { CASES as CRONJOB_CASES } from '../rules/cronjob.cases';
import { CASES as FEATURE_CASES } from '../rules/features.cases';
import { CASES as HYGIENE_CASES } from '../rules/hygiene.cases';
import { CASES as JOB_CASES } from '../rules/job.cases';
import { CASES as PATTERN_CASES } from '../rules/pattern.cases';
import { CRONJOB_STATUS_CASE, SERVER_STEP_VARIANTS, UPSTREAM_ERRORS, UPSTREAM_SUCCESS } from '../rules/upstream-job.cases';

/** A change of an update: set `value` at `path`, or remove the member at `path`. */
export interface Op {
  readonly path: ReadonlyArray<string | number>;
  readonly value?: unknown;
  readonly remove?: boolean;
}

/** A create request of `object`. */
export interface CreateEntry {
  readonly id: string;
  readonly op: 'create';
  readonly object: any;
}

/**
 * An update: `base` is created for real, `status` (if any) is written through `/status`, then the
 * stored object with `ops` applied is sent as a dry-run update.
 */
export interface UpdateEntry {
  readonly id: string;
  readonly op: 'update';
  readonly base: any;
  readonly status?: any;
  readonly ops: readonly Op[];
}

export type Entry = CreateEntry | UpdateEntry;

/** How many objects each generated section holds, and the seed of each. */
export interface CorpusPlan {
  readonly seed: number;
  readonly walk: number;
  readonly pods: number;
  readonly shapes: number;
  readonly updates: number;
}

/** The plan of the committed golden data. */
export const DEFAULT_PLAN: CorpusPlan = { seed: 20261204, walk: 12000, pods: 4500, shapes: 3500, updates: 1200 };

// ---------------------------------------------------------------------------------------------
// Building blocks

const MAX_INT32 = 2147483647;
const POD_SPEC = (): any => ({ restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] });

function jobObject(name = 'work'): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: POD_SPEC() } } };
}

function cronJobObject(name = 'nightly'): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: POD_SPEC() } } } },
  };
}

/** A deep copy through JSON (drops `undefined` members, as the wire does). */
function json<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** Sets `value` at `path` in `obj`, creating objects on the way; `undefined` deletes. */
export function setPath(obj: any, path: ReadonlyArray<string | number>, value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (cur[key] === undefined || cur[key] === null || typeof cur[key] !== 'object') cur[key] = typeof path[i + 1] === 'number' ? [] : {};
    cur = cur[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  } else {
    cur[last] = json(value);
  }
}

/** Applies update ops to a copy of `obj`. */
export function applyOps(obj: any, ops: readonly Op[]): any {
  const out = json(obj);
  for (const op of ops) setPath(out, op.path, op.remove ? undefined : op.value);
  return out;
}

/** Removes what a real create would refuse or overwrite in a hand-made stored object. */
function forCreate(object: any): any {
  const o = json(object);
  if (o && typeof o === 'object' && o.metadata && typeof o.metadata === 'object') {
    delete o.metadata.namespace;
    delete o.metadata.uid;
    delete o.metadata.resourceVersion;
  }
  return o;
}

const GENERATED_KEYS = ['controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name'];

/** A hand-made stored Job/CronJob turned into what a user creates: no generated selector or labels. */
function ungenerated(object: any): any {
  const o = forCreate(object);
  const specs = [o?.spec, o?.spec?.jobTemplate?.spec].filter((s) => s && typeof s === 'object');
  const dropKeys = (labels: any): void => {
    if (labels && typeof labels === 'object') for (const k of GENERATED_KEYS) delete labels[k];
  };
  dropKeys(o?.metadata?.labels);
  for (const spec of specs) {
    if (!spec.manualSelector && spec.selector?.matchLabels) {
      dropKeys(spec.selector.matchLabels);
      if (Object.keys(spec.selector.matchLabels).length === 0) delete spec.selector;
    }
    dropKeys(spec.template?.metadata?.labels);
  }
  return o;
}

/** The ops that turn `a` into `b` (leaves and lists set whole, members removed). */
export function diffOps(a: any, b: any, path: Array<string | number> = []): Op[] {
  const isObj = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const out: Op[] = [];
    for (const k of Object.keys(a)) if (!(k in b)) out.push({ path: [...path, k], remove: true });
    for (const k of Object.keys(b)) {
      if (!(k in a)) out.push({ path: [...path, k], value: b[k] });
      else out.push(...diffOps(a[k], b[k], [...path, k]));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, value: b }];
}

// ---------------------------------------------------------------------------------------------
// Table cases

function tableEntries(): Entry[] {
  const out: Entry[] = [];
  const tables: Array<[string, ReadonlyArray<{ code: string; valid: any[]; invalid: any[]; update?: boolean }>]> = [
    ['job', JOB_CASES],
    ['cronjob', CRONJOB_CASES],
    ['features', FEATURE_CASES],
    ['hygiene', HYGIENE_CASES],
    ['pattern', PATTERN_CASES],
  ];
  for (const [table, cases] of tables) {
    for (const c of cases) {
      const rows = [...c.valid.map((r) => ['valid', r] as const), ...c.invalid.map((r) => ['invalid', r] as const)];
      rows.forEach(([kind, row], i) => {
        const id = `case/${table}/${c.code}/${kind}/${i}`;
        if (c.update) {
          const base = ungenerated(row.old);
          const status = base?.status;
          if (base) delete base.status;
          const next = ungenerated(row.new);
          if (next) delete next.status;
          out.push({ id, op: 'update', base, status, ops: diffOps(base, next) });
        } else {
          out.push({ id, op: 'create', object: forCreate(row) });
        }
      });
    }
  }
  const upstream = [...UPSTREAM_SUCCESS, ...UPSTREAM_ERRORS, ...SERVER_STEP_VARIANTS];
  upstream.forEach((c, i) => {
    out.push({ id: `case/upstream-job/${i}`, op: 'create', object: forCreate(c.manifest) });
    out.push({ id: `case/upstream-job/${i}/ungenerated`, op: 'create', object: ungenerated(c.manifest) });
  });
  out.push({ id: 'case/upstream-cronjob/status', op: 'create', object: forCreate(CRONJOB_STATUS_CASE) });
  out.push(...kindEntries());
  return out;
}

/** Batch kinds under a wrong group or version, and kinds spelled wrong (sent where kubectl would send them). */
function kindEntries(): Entry[] {
  const variants: Array<[string, unknown, unknown]> = [
    ['v1-job', 'v1', 'Job'],
    ['v1-cronjob', 'v1', 'CronJob'],
    ['batch-v1beta1-cronjob', 'batch/v1beta1', 'CronJob'],
    ['batch-v1beta1-job', 'batch/v1beta1', 'Job'],
    ['batch-v2alpha1-cronjob', 'batch/v2alpha1', 'CronJob'],
    ['apps-v1-job', 'apps/v1', 'Job'],
    ['extensions-v1beta1-job', 'extensions/v1beta1', 'Job'],
    ['batch-job', 'batch', 'Job'],
    ['lowercase-kind', 'batch/v1', 'job'],
    ['no-apiversion', undefined, 'Job'],
    ['no-kind', 'batch/v1', undefined],
  ];
  const out: Entry[] = [];
  for (const [name, apiVersion, kind] of variants) {
    for (const base of [jobObject(), cronJobObject()]) {
      const object = { ...base, apiVersion, kind: kind === 'Job' && base.kind === 'CronJob' ? 'CronJob' : kind };
      if (kind === 'CronJob' && base.kind === 'Job') continue;
      out.push({ id: `case/kind/${name}/${base.kind}`, op: 'create', object: json(object) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Boundary walk

/** `undefined` most of the time, else a value of `arb` (weight 1 in `1 + rest`). */
function sometimes<T>(arb: fc.Arbitrary<T>, rest = 6): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: rest, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** A value of `good` most of the time (weight 14), one of `bad` otherwise (weight 1). */
function gb<T>(good: T[], bad: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 14, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
}

const DNS_LABEL_63 = 'a'.repeat(63);
const NAMES = [
  'work', 'w', 'a'.repeat(52), 'a'.repeat(53), 'a'.repeat(56), 'a'.repeat(57), DNS_LABEL_63, 'a'.repeat(64),
  `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`,
  'Work', 'work-', '-work', 'wo.rk', 'wo_rk', 'work.v2', '1work', 'work 1', '', 'wörk',
];

const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const GOOD_EXIT_CODES: unknown[][] = [[1], [0], [1, 2, 3], [42, 137, 143], upTo(255)];
const BAD_EXIT_CODES: unknown[][] = [[3, 2], [1, 1], [-1, 255], [256], [], upTo(256)];
const CONDITION_TYPES = ['DisruptionTarget', 'ConfigIssue', 'example.com/Custom', 'bad type!', '', 'a'.repeat(317)];

const podFailureRule = fc.record(
  {
    action: gb(['FailJob', 'FailIndex', 'Ignore', 'Count'], ['Bad', '']),
    matcher: fc.oneof(
      { weight: 6, arbitrary: fc.constant('exit') },
      { weight: 6, arbitrary: fc.constant('conditions') },
      { weight: 1, arbitrary: fc.constant('both') },
      { weight: 1, arbitrary: fc.constant('neither') },
    ),
    onExitCodes: fc.record(
      {
        containerName: pick('main', 'other', 'init', undefined, ''),
        operator: gb(['In', 'NotIn'], ['Bad', '']),
        values: gb(GOOD_EXIT_CODES, BAD_EXIT_CODES),
      },
      { requiredKeys: ['operator', 'values'] },
    ),
    onPodConditions: fc.array(fc.record({ type: gb(CONDITION_TYPES.slice(0, 3), CONDITION_TYPES.slice(3)), status: gb(['True', 'False', 'Unknown', undefined], ['Maybe']) }), { minLength: 1, maxLength: 3 }),
  },
).map(({ matcher, action, onExitCodes, onPodConditions }) => {
  const rule: Record<string, unknown> = { action };
  if (matcher === 'exit' || matcher === 'both') rule.onExitCodes = onExitCodes;
  if (matcher === 'conditions' || matcher === 'both') rule.onPodConditions = onPodConditions;
  return rule;
});

const podFailurePolicy = fc.oneof(
  { weight: 8, arbitrary: fc.record({ rules: fc.array(podFailureRule, { minLength: 0, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.integer({ min: 19, max: 21 }).map((n) => ({ rules: Array.from({ length: n }, () => ({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] })) })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

const successRule = fc.record(
  {
    succeededIndexes: gb(['0', '0-2', '0,2,4', '9', '0-9', '1,3-5,7'], ['1-0', '10', 'abc', '0,0', '2,1', '', '0-99999', '-1']),
    succeededCount: gb([1, 2, 3, 10, 0], [11, -1]),
  },
  { requiredKeys: [] },
);

const successPolicy = fc.oneof(
  { weight: 8, arbitrary: fc.record({ rules: fc.array(successRule, { minLength: 0, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 21 }).map((n) => ({ rules: Array.from({ length: n }, () => ({ succeededCount: 1 })) })) },
);

const MANAGED_BY = [
  'kubernetes.io/job-controller', 'example.com/custom-controller', 'kueue.x-k8s.io/multikueue', `example.com/${'a'.repeat(51)}`,
  `example.com/${'a'.repeat(52)}`, 'no-slash', 'Example.com/x', 'kubernetes.io/other', '', 'example.com/', '/name',
];

const selectorChoice = pick(
  'none',
  'manual-match',
  'manual-mismatch',
  'manual-missing',
  'selector-without-manual',
  'manual-false',
  'bad-operator',
  'empty-selector',
);

function applySelector(spec: any, choice: string): void {
  const labels = (l: Record<string, string>): void => setPath(spec, ['template', 'metadata', 'labels'], l);
  switch (choice) {
    case 'manual-match':
      spec.manualSelector = true;
      spec.selector = { matchLabels: { app: 'work' } };
      labels({ app: 'work' });
      break;
    case 'manual-mismatch':
      spec.manualSelector = true;
      spec.selector = { matchLabels: { app: 'work' } };
      labels({ app: 'other' });
      break;
    case 'manual-missing':
      spec.manualSelector = true;
      break;
    case 'selector-without-manual':
      spec.selector = { matchLabels: { app: 'work' } };
      labels({ app: 'work' });
      break;
    case 'manual-false':
      spec.manualSelector = false;
      break;
    case 'bad-operator':
      spec.manualSelector = true;
      spec.selector = { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['work'] }] };
      labels({ app: 'work' });
      break;
    case 'empty-selector':
      spec.manualSelector = true;
      spec.selector = {};
      break;
    default:
      break;
  }
}

const jobSpecFields = fc.record(
  {
    parallelism: sometimes(gb([0, 1, 2, 3, 5, 100000, 100001, MAX_INT32], [-1]), 2),
    completions: sometimes(gb([0, 1, 2, 3, 5, 10, 100000, 100001, MAX_INT32, null], [-1]), 2),
    completionMode: sometimes(gb(['NonIndexed', 'Indexed', 'Indexed', 'Indexed'], ['indexed', '']), 1),
    activeDeadlineSeconds: sometimes(gb([1, 3600, 2147483648], [-1, 0])),
    backoffLimit: sometimes(gb([0, 1, 6, MAX_INT32], [-1])),
    backoffLimitPerIndex: sometimes(gb([0, 1, 3, MAX_INT32], [-1]), 3),
    maxFailedIndexes: sometimes(gb([0, 1, 3, 5, 10, 100000, 100001], [-1]), 4),
    ttlSecondsAfterFinished: sometimes(gb([0, 1, 100], [-1])),
    suspend: sometimes(pick(true, false)),
    podReplacementPolicy: sometimes(gb(['TerminatingOrFailed', 'Failed'], ['Bad', ''])),
    managedBy: sometimes(gb(MANAGED_BY.slice(0, 4), MANAGED_BY.slice(4))),
    podFailurePolicy: sometimes(podFailurePolicy, 3),
    successPolicy: sometimes(successPolicy, 4),
    restartPolicy: sometimes(gb(['Never', 'OnFailure'], ['Always', '', 'Bad']), 3),
    selector: sometimes(selectorChoice, 6),
    initContainer: sometimes(gb(['init', 'sidecar'], ['main']), 6),
    coherent: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  },
  { requiredKeys: [] },
);

const labelKeys = gb(['app', 'example.com/app', `${'k'.repeat(63)}`, `${'p'.repeat(253)}/k`], [`${'k'.repeat(64)}`, `${'p'.repeat(254)}/k`, 'bad key', '-app', 'a/b/c', '']);
const labelValues = gb(['v', '', 'v'.repeat(63), 'v.v_v-v'], ['v'.repeat(64), 'bad value', '-v']);
const metadataFields = fc.record(
  {
    name: sometimes(gb(['work', 'w', 'a'.repeat(52), DNS_LABEL_63, 'work.v2'], NAMES.filter((n) => !['work', 'w', 'a'.repeat(52), DNS_LABEL_63, 'work.v2'].includes(n))), 2),
    generateName: sometimes(pick('work-', 'Work-', `${'a'.repeat(60)}-`), 12),
    label: sometimes(fc.tuple(labelKeys, labelValues), 5),
    annotation: sometimes(fc.tuple(pick('note', 'example.com/note', 'bad key', `${'k'.repeat(64)}`), pick('x', '')), 8),
  },
  { requiredKeys: [] },
);

const GOOD_SCHEDULES = [
  '0 3 * * *', '*/5 * * * *', '@daily', '@hourly', '@every 1h', '@every 90s', '@yearly', '@annually', '@monthly', '@weekly', '@midnight',
  '59 * * * *', '0 23 * * *', '0 0 31 * *', '0 0 * 12 *', '0 0 * * 7', '0 0 * * 6', '0 0 * JAN-MAR MON-FRI', '0 0 * jan sun', '0 0 30 2 *',
  '0 0 ? * *', '0-59/15 * * * *', '0 0 1,15 * *', '*/60 * * * *',
];
const BAD_SCHEDULES = [
  '@reboot', '* * * * * *', '60 * * * *', '0 24 * * *', '0 0 32 * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * 0 *', '0 0 * * 8', 'TZ=UTC 0 0 * * *',
  'CRON_TZ=UTC 0 0 * * *', '', ' 0 3 * * *', '*/0 * * * *', '1-60 * * * *', '5-1 * * * *', 'H * * * *', 'not a cron', '* * * *', '0 0 L * *',
  '0 0 * * 1#2', '@every 0s', '@every -1h',
];
const GOOD_ZONES = ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Etc/GMT+5', 'EST5EDT', 'America/Argentina/Buenos_Aires', 'US/Pacific', 'Europe/Kyiv', 'Europe/Kiev', 'GMT'];
const BAD_ZONES = ['Local', 'utc', 'America/Nowhere', '', ' UTC', '../etc/passwd', 'Asia/Tokyo ', 'Z'];
const cronFields = fc.record(
  {
    schedule: sometimes(gb(GOOD_SCHEDULES, BAD_SCHEDULES), 1),
    timeZone: sometimes(gb(GOOD_ZONES, BAD_ZONES), 2),
    startingDeadlineSeconds: sometimes(gb([0, 1, 10, 100], [-1])),
    concurrencyPolicy: sometimes(gb(['Allow', 'Forbid', 'Replace'], ['allow', ''])),
    successfulJobsHistoryLimit: sometimes(gb([0, 1, 3], [-1])),
    failedJobsHistoryLimit: sometimes(gb([0, 1, 3], [-1])),
    suspend: sometimes(pick(true, false)),
    templateLabel: sometimes(fc.tuple(labelKeys, labelValues), 6),
  },
  { requiredKeys: [] },
);

type JobSpecFields = typeof jobSpecFields extends fc.Arbitrary<infer T> ? T : never;

function applyJobSpec(spec: any, f: JobSpecFields): void {
  const simple = [
    'parallelism', 'completions', 'completionMode', 'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex',
    'maxFailedIndexes', 'ttlSecondsAfterFinished', 'suspend', 'podReplacementPolicy', 'managedBy', 'podFailurePolicy', 'successPolicy',
  ] as const;
  for (const key of simple) if (f[key] !== undefined) spec[key] = json(f[key]);
  if (f.coherent) makeCoherent(spec);
  if (f.restartPolicy !== undefined) spec.template.spec.restartPolicy = f.restartPolicy;
  else if (f.podFailurePolicy !== undefined) spec.template.spec.restartPolicy = 'Never';
  if (f.selector !== undefined) applySelector(spec, f.selector);
  if (f.initContainer === 'init') spec.template.spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
  if (f.initContainer === 'sidecar') spec.template.spec.initContainers = [{ name: 'init', image: 'busybox:1.36', restartPolicy: 'Always' }];
  if (f.initContainer === 'main') spec.template.spec.initContainers = [{ name: 'main', image: 'busybox:1.36' }];
}

/** Adds what the drawn fields need to be valid together (Indexed mode, completions, backoffLimitPerIndex). */
function makeCoherent(spec: any): void {
  const failIndex = JSON.stringify(spec.podFailurePolicy ?? {}).includes('"FailIndex"');
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) spec.backoffLimitPerIndex = 1;
  if (failIndex && spec.backoffLimitPerIndex === undefined) spec.backoffLimitPerIndex = 2;
  const needsIndexed = spec.backoffLimitPerIndex !== undefined || spec.successPolicy !== undefined;
  if (needsIndexed && spec.completionMode === undefined) spec.completionMode = 'Indexed';
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) spec.completions = 10;
}

type MetadataFields = typeof metadataFields extends fc.Arbitrary<infer T> ? T : never;

function applyMetadata(metadata: any, f: MetadataFields): void {
  if (f.generateName !== undefined) {
    delete metadata.name;
    metadata.generateName = f.generateName;
  }
  if (f.name !== undefined) metadata.name = f.name;
  if (f.label !== undefined) metadata.labels = { [f.label[0]]: f.label[1] };
  if (f.annotation !== undefined) metadata.annotations = { [f.annotation[0]]: f.annotation[1] };
}

const walkArb = fc.record({
  kind: fc.oneof({ weight: 3, arbitrary: fc.constant('Job' as const) }, { weight: 1, arbitrary: fc.constant('CronJob' as const) }),
  metadata: metadataFields,
  spec: jobSpecFields,
  cron: cronFields,
});

function walkObject(w: typeof walkArb extends fc.Arbitrary<infer T> ? T : never): any {
  if (w.kind === 'Job') {
    const o = jobObject();
    applyMetadata(o.metadata, w.metadata);
    applyJobSpec(o.spec, w.spec);
    return o;
  }
  const o = cronJobObject();
  applyMetadata(o.metadata, w.metadata);
  if (w.metadata.name === undefined && w.metadata.generateName === undefined) o.metadata.name = 'nightly';
  for (const key of ['schedule', 'timeZone', 'startingDeadlineSeconds', 'concurrencyPolicy', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'suspend'] as const) {
    if (w.cron[key] !== undefined) o.spec[key] = w.cron[key];
  }
  if (w.cron.templateLabel !== undefined) o.spec.jobTemplate.metadata = { labels: { [w.cron.templateLabel[0]]: w.cron.templateLabel[1] } };
  applyJobSpec(o.spec.jobTemplate.spec, w.spec);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Realistic pod templates

const GOOD_QUANTITIES = ['100m', '1', '0.5', '250Mi', '1Gi', '1G', '1e3', '2.5Gi', '2'];
const BAD_QUANTITIES = ['0', '-1', '1x', '', '10000000000000000000000000000', '0.5m'];
const resources = fc.record(
  {
    requests: sometimes(fc.dictionary(gb(['cpu', 'memory', 'ephemeral-storage'], ['nvidia.com/gpu', 'hugepages-2Mi', 'bad resource']), gb(GOOD_QUANTITIES, BAD_QUANTITIES), { maxKeys: 2 }), 1),
    limits: sometimes(fc.dictionary(gb(['cpu', 'memory', 'nvidia.com/gpu'], ['bad resource']), gb(GOOD_QUANTITIES, BAD_QUANTITIES), { maxKeys: 2 }), 1),
  },
  { requiredKeys: [] },
);

const probe = fc.record(
  {
    handler: gb(['exec', 'httpGet', 'tcpSocket', 'grpc'], ['none', 'two']),
    port: gb<number | string>([8080, 65535, 'http', 1], [0, 65536, 'HTTP', 'a-very-long-port-name']),
    periodSeconds: sometimes(gb([1, 10], [0, -1])),
    timeoutSeconds: sometimes(gb([1, 5], [0, -1])),
    successThreshold: sometimes(gb([1, 2], [0])),
    failureThreshold: sometimes(gb([1, 3], [0])),
    initialDelaySeconds: sometimes(gb([0, 5], [-1])),
    terminationGracePeriodSeconds: sometimes(gb([1, 30], [0, -1])),
  },
  { requiredKeys: ['handler', 'port'] },
);

function probeObject(p: typeof probe extends fc.Arbitrary<infer T> ? T : never): any {
  const out: any = {};
  const handlers: Record<string, unknown> = {
    exec: { command: ['true'] },
    httpGet: { path: '/healthz', port: p.port },
    tcpSocket: { port: p.port },
    grpc: { port: typeof p.port === 'number' ? p.port : 8080 },
  };
  if (p.handler === 'two') {
    out.exec = handlers.exec;
    out.tcpSocket = handlers.tcpSocket;
  } else if (p.handler !== 'none') {
    out[p.handler] = handlers[p.handler];
  }
  for (const k of ['periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold', 'initialDelaySeconds', 'terminationGracePeriodSeconds'] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  return out;
}

const envVar = fc.record(
  {
    name: gb(['HOME', 'MY_VAR', 'my.var', 'my-var', 'LOG_LEVEL'], ['1VAR', 'VAR=1', '', 'a'.repeat(300), 'ÄVAR']),
    source: gb(['value', 'empty', 'fieldRef', 'secretKeyRef', 'resourceFieldRef'], ['badFieldRef', 'configMapKeyRef', 'twoSources']),
  },
);

function envObject(e: typeof envVar extends fc.Arbitrary<infer T> ? T : never): any {
  const out: any = { name: e.name };
  switch (e.source) {
    case 'value': out.value = 'x'; break;
    case 'fieldRef': out.valueFrom = { fieldRef: { fieldPath: 'metadata.name' } }; break;
    case 'badFieldRef': out.valueFrom = { fieldRef: { fieldPath: 'spec.bogus' } }; break;
    case 'secretKeyRef': out.valueFrom = { secretKeyRef: { name: 'creds', key: 'password' } }; break;
    case 'configMapKeyRef': out.valueFrom = { configMapKeyRef: { name: 'cfg', key: 'bad key!' } }; break;
    case 'resourceFieldRef': out.valueFrom = { resourceFieldRef: { resource: 'limits.cpu', containerName: 'main' } }; break;
    case 'twoSources': out.value = 'x'; out.valueFrom = { fieldRef: { fieldPath: 'metadata.name' } }; break;
    default: break;
  }
  return out;
}

const securityContext = fc.record(
  {
    runAsUser: sometimes(gb([0, 1000], [-1, 2147483648])),
    runAsNonRoot: sometimes(pick(true, false)),
    allowPrivilegeEscalation: sometimes(pick(true, false)),
    privileged: sometimes(pick(true, false)),
    readOnlyRootFilesystem: sometimes(pick(true, false)),
    capabilities: sometimes(gb<any>([{ drop: ['ALL'] }, { add: ['NET_ADMIN'] }], [{ add: ['bad capability'] }])),
    seccompProfile: sometimes(gb<any>([{ type: 'RuntimeDefault' }, { type: 'Localhost', localhostProfile: 'p.json' }], [{ type: 'Localhost' }, { type: 'Bad' }])),
  },
  { requiredKeys: [] },
);

const VOLUME_KINDS = ['emptyDir', 'configMap', 'secret', 'pvc', 'hostPath', 'projected', 'emptyDirSized', 'none', 'two'];
const containerArb = fc.record(
  {
    name: gb(['main', 'worker', 'side', 'a'.repeat(63)], ['Main', 'a'.repeat(64), 'my_container', '']),
    image: gb(['busybox:1.36', 'registry.example.com/team/app@sha256:' + 'a'.repeat(64), 'python:3.12-slim'], ['', ' busybox', 'busybox:1.36 ']),
    imagePullPolicy: sometimes(gb(['Always', 'IfNotPresent', 'Never'], ['Sometimes'])),
    command: sometimes(gb([['sh', '-c', 'echo hi'], ['python', 'main.py']], [[], ['']]), 2),
    ports: sometimes(fc.array(fc.record({ containerPort: gb([80, 1, 65535, 8080], [0, 65536, -1]), name: gb([undefined, 'http', 'metrics'], ['HTTP', 'a'.repeat(16)]), protocol: gb([undefined, 'TCP', 'UDP', 'SCTP'], ['tcp']) }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }), 2),
    env: sometimes(fc.array(envVar, { minLength: 1, maxLength: 3 }), 1),
    resources: sometimes(resources, 1),
    securityContext: sometimes(securityContext, 2),
    livenessProbe: sometimes(probe, 3),
    readinessProbe: sometimes(probe, 3),
    startupProbe: sometimes(probe, 4),
    mount: sometimes(gb(['data'], ['missing', 'relative', 'dup']), 2),
    workingDir: sometimes(gb(['/work'], ['relative/dir']), 6),
    terminationMessagePolicy: sometimes(gb(['File', 'FallbackToLogsOnError'], ['Bad']), 6),
    restartPolicy: sometimes(pick('Always', 'Never', 'OnFailure', 'Bad'), 20),
  },
  { requiredKeys: ['name', 'image'] },
);

function containerObject(c: typeof containerArb extends fc.Arbitrary<infer T> ? T : never, fallbackName: string): any {
  const out: any = { name: c.name === 'main' ? fallbackName : c.name, image: c.image };
  if (c.imagePullPolicy !== undefined) out.imagePullPolicy = c.imagePullPolicy;
  if (c.command !== undefined) out.command = c.command;
  if (c.ports !== undefined) out.ports = json(c.ports);
  if (c.env !== undefined) out.env = c.env.map(envObject);
  if (c.resources !== undefined) out.resources = json(c.resources);
  if (c.securityContext !== undefined) out.securityContext = json(c.securityContext);
  if (c.livenessProbe !== undefined) out.livenessProbe = probeObject(c.livenessProbe);
  if (c.readinessProbe !== undefined) out.readinessProbe = probeObject(c.readinessProbe);
  if (c.startupProbe !== undefined) out.startupProbe = probeObject(c.startupProbe);
  if (c.mount === 'data') out.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  if (c.mount === 'missing') out.volumeMounts = [{ name: 'missing', mountPath: '/missing' }];
  if (c.mount === 'relative') out.volumeMounts = [{ name: 'data', mountPath: 'data' }];
  if (c.mount === 'dup') out.volumeMounts = [{ name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '/data' }];
  if (c.workingDir !== undefined) out.workingDir = c.workingDir;
  if (c.terminationMessagePolicy !== undefined) out.terminationMessagePolicy = c.terminationMessagePolicy;
  if (c.restartPolicy !== undefined) out.restartPolicy = c.restartPolicy;
  return out;
}

function volumeObjects(kind: string): any[] {
  const named = (name: string, source: Record<string, unknown>): any => ({ name, ...source });
  switch (kind) {
    case 'emptyDir': return [named('data', { emptyDir: {} })];
    case 'emptyDirSized': return [named('data', { emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } })];
    case 'configMap': return [named('data', { configMap: { name: 'cfg', defaultMode: 420 } })];
    case 'secret': return [named('data', { secret: { secretName: 'creds', defaultMode: 511 } })];
    case 'pvc': return [named('data', { persistentVolumeClaim: { claimName: 'data' } })];
    case 'hostPath': return [named('data', { hostPath: { path: '/var/data', type: 'DirectoryOrCreate' } })];
    case 'projected': return [named('data', { projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } })];
    case 'two': return [named('data', { emptyDir: {}, configMap: { name: 'cfg' } })];
    default: return [];
  }
}

const podArb = fc.record(
  {
    containers: fc.array(containerArb, { minLength: 1, maxLength: 2 }),
    initContainers: sometimes(fc.array(containerArb, { minLength: 1, maxLength: 2 }), 1),
    sidecar: sometimes(pick(true, false), 1),
    volume: gb(VOLUME_KINDS.slice(0, 8), ['two']),
    volumeName: sometimes(pick('Data', 'a'.repeat(64)), 20),
    serviceAccountName: sometimes(gb(['default', 'batch-runner', 'a'.repeat(253), 'sa.with.dots'], ['Bad_Name', 'a'.repeat(254), '']), 2),
    automountServiceAccountToken: sometimes(pick(true, false)),
    restartPolicy: gb(['Never', 'OnFailure'], ['Always']),
    nodeSelector: sometimes(gb<any>([{ 'kubernetes.io/os': 'linux' }, { 'beta.kubernetes.io/os': 'linux' }, { disk: 'ssd' }], [{ 'bad key': 'x' }, { disk: 'bad value!' }]), 3),
    tolerations: sometimes(gb<any>([[{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'gpu', operator: 'Equal', value: 'x' }], [{ operator: 'Exists' }], [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]], [[{ key: 'gpu', operator: 'Exists', value: 'x' }], [{ key: 'gpu', operator: 'Bad' }], [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }]]), 3),
    podSecurityContext: sometimes(gb<any>([{ runAsNonRoot: true, fsGroup: 2000 }, { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] }, { fsGroupChangePolicy: 'OnRootMismatch', supplementalGroups: [1000] }], [{ runAsUser: -1 }, { sysctls: [{ name: 'bad sysctl', value: '1' }] }, { fsGroupChangePolicy: 'Bad' }, { supplementalGroups: [1000, -1] }]), 3),
    dnsPolicy: sometimes(gb(['ClusterFirst', 'Default', 'ClusterFirstWithHostNet'], ['None', 'Bad']), 4),
    hostNetwork: sometimes(pick(true, false), 6),
    terminationGracePeriodSeconds: sometimes(gb([0, 30], [-1]), 4),
    activeDeadlineSeconds: sometimes(gb([1, 60], [0, -1]), 6),
    priorityClassName: sometimes(gb(['system-cluster-critical', 'high'], ['Bad_Class']), 6),
    affinity: sometimes(gb<any>([
      { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
      { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } }] } },
    ], [
      { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] }] } } },
      { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } },
    ]), 4),
    imagePullSecrets: sometimes(gb<any>([[{ name: 'regcred' }]], [[{ name: '' }], [{}]]), 6),
    hostname: sometimes(gb(['worker'], ['Worker', 'a'.repeat(64)]), 8),
    initNameClash: sometimes(pick(true), 30),
    initProbes: sometimes(pick(true), 30),
    templateLabels: sometimes(gb<any>([{ app: 'batch' }, { 'app.kubernetes.io/name': 'batch' }], [{ 'bad key': 'x' }]), 3),
  },
  { requiredKeys: ['containers', 'volume', 'restartPolicy'] },
);

function podObject(p: typeof podArb extends fc.Arbitrary<infer T> ? T : never, kind: 'Job' | 'CronJob'): any {
  const spec: any = { restartPolicy: p.restartPolicy, containers: p.containers.map((c, i) => containerObject(c, i === 0 ? 'main' : `c${i}`)) };
  if (p.initContainers !== undefined) {
    spec.initContainers = p.initContainers.map((c, i) => {
      const out = containerObject(c, `init${i}`);
      // Init containers get their own names (a clash with an app container is drawn rarely, below).
      if (['main', 'worker', 'side', 'a'.repeat(63)].includes(out.name)) out.name = p.initNameClash ? 'main' : `init${i}`;
      if (p.sidecar && i === 0) out.restartPolicy = 'Always';
      else if (!p.initProbes) for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) delete out[k];
      return out;
    });
  }
  const volumes = volumeObjects(p.volume);
  if (volumes.length > 0) {spec.volumes = volumes;} else {
    // Without volumes, a mount of `data` names nothing: keep that case rare.
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) if (c.volumeMounts?.[0]?.name === 'data' && !p.initProbes) delete c.volumeMounts;
  }
  if (p.volumeName !== undefined && spec.volumes) spec.volumes[0].name = p.volumeName;
  for (const key of ['serviceAccountName', 'automountServiceAccountToken', 'nodeSelector', 'tolerations', 'dnsPolicy', 'hostNetwork', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'priorityClassName', 'affinity', 'imagePullSecrets', 'hostname'] as const) {
    if (p[key] !== undefined) spec[key] = json(p[key]);
  }
  if (p.podSecurityContext !== undefined) spec.securityContext = json(p.podSecurityContext);
  const template: any = { spec };
  if (p.templateLabels !== undefined) template.metadata = { labels: json(p.templateLabels) };
  if (kind === 'Job') {
    const o = jobObject('batch-work');
    o.spec.template = template;
    return o;
  }
  const o = cronJobObject('batch-nightly');
  o.spec.jobTemplate.spec.template = template;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Unknown and wrongly typed fields

interface Node {
  readonly path: Array<string | number>;
  readonly value: unknown;
}

function nodesOf(v: unknown, path: Array<string | number> = [], out: Node[] = []): Node[] {
  out.push({ path, value: v });
  if (Array.isArray(v)) v.forEach((x, i) => nodesOf(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) nodesOf((v as any)[k], [...path, k], out);
  return out;
}

const WRONG: Record<string, unknown[]> = {
  number: ['1', true, [1], { n: 1 }, 1.5, null],
  string: [1, true, ['x'], { s: 'x' }, null],
  boolean: ['true', 1, null],
  object: ['x', 1, [], true, null],
  array: ['x', { a: 1 }, 1, null],
};

const shapeArb = fc.record({
  source: fc.oneof(walkArb.map((w) => walkObject(w)), fc.tuple(podArb, pick('Job' as const, 'CronJob' as const)).map(([p, k]) => podObject(p, k))),
  node: fc.nat(),
  mutation: pick('unknown', 'unknown', 'typo', 'wrongType', 'wrongType', 'wrongType', 'null'),
  choice: fc.nat(),
});

function typoOf(key: string): string {
  if (key.length <= 1) return `${key}x`;
  return key.toLowerCase() !== key ? key.toLowerCase() : `${key.slice(0, -1)}${key.slice(-1).toUpperCase()}`;
}

function shapeObject(s: typeof shapeArb extends fc.Arbitrary<infer T> ? T : never): any {
  const o = json(s.source);
  const nodes = nodesOf(o).filter((n) => n.path.length > 0 && !(n.path.length === 1 && (n.path[0] === 'apiVersion' || n.path[0] === 'kind')));
  const target = nodes[s.node % nodes.length];
  if (s.mutation === 'unknown' || s.mutation === 'typo') {
    const objects = nodesOf(o).filter((n) => typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value));
    const host = objects[s.node % objects.length];
    const keys = Object.keys(host.value as object);
    const key = s.mutation === 'typo' && keys.length > 0 ? typoOf(keys[s.choice % keys.length]) : ['unknownField', 'extra', 'spec', 'status', 'x-custom'][s.choice % 5];
    setPath(o, [...host.path, key], s.choice % 2 === 0 ? 'value' : 1);
    return o;
  }
  if (s.mutation === 'null') {
    setPath(o, target.path, null);
    return o;
  }
  const type = Array.isArray(target.value) ? 'array' : target.value === null ? 'object' : typeof target.value;
  const options = WRONG[type] ?? WRONG.object;
  setPath(o, target.path, options[s.choice % options.length]);
  if (options[s.choice % options.length] === null) setPath(o, target.path, null);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Updates: the mutability table

/** Job status presets written through `/status` before the update. */
export const STATUS_PRESETS: Record<string, any> = {
  running: { startTime: '2026-01-01T00:00:00Z', active: 1, ready: 0 },
  suspendedAfterRunning: {
    startTime: '2026-01-01T00:00:00Z',
    active: 0,
    conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: '2026-01-01T00:05:00Z', lastTransitionTime: '2026-01-01T00:05:00Z' }],
  },
  suspendedStillActive: { startTime: '2026-01-01T00:00:00Z', active: 1 },
};

const UPDATE_BASES: Record<string, any> = {
  plain: { completions: 3, parallelism: 1 },
  indexed: { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1 },
  policies: {
    completionMode: 'Indexed',
    completions: 4,
    parallelism: 2,
    podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
    successPolicy: { rules: [{ succeededCount: 2 }] },
    podReplacementPolicy: 'Failed',
    managedBy: 'example.com/custom-controller',
  },
};

const UPDATE_STATES: Record<string, { suspend?: boolean; status?: string }> = {
  fresh: {},
  running: { status: 'running' },
  suspendedNeverStarted: { suspend: true },
  suspendedAfterRunning: { suspend: true, status: 'suspendedAfterRunning' },
  suspendedStillActive: { suspend: true, status: 'suspendedStillActive' },
};

/** One change per mutability-table field and per template part, as ops relative to the Job spec. */
const SPEC_CHANGES: Record<string, Op[]> = {
  'parallelism+1': [{ path: ['parallelism'], value: 2 }],
  'parallelism=0': [{ path: ['parallelism'], value: 0 }],
  'completions+1': [{ path: ['completions'], value: 5 }],
  'completions=parallelism': [{ path: ['completions'], value: 4 }, { path: ['parallelism'], value: 4 }],
  'completions-removed': [{ path: ['completions'], remove: true }],
  'activeDeadlineSeconds': [{ path: ['activeDeadlineSeconds'], value: 600 }],
  'backoffLimit': [{ path: ['backoffLimit'], value: 2 }],
  'backoffLimitPerIndex': [{ path: ['backoffLimitPerIndex'], value: 2 }],
  'backoffLimitPerIndex-removed': [{ path: ['backoffLimitPerIndex'], remove: true }, { path: ['maxFailedIndexes'], remove: true }],
  'maxFailedIndexes': [{ path: ['maxFailedIndexes'], value: 2 }],
  'ttlSecondsAfterFinished': [{ path: ['ttlSecondsAfterFinished'], value: 60 }],
  'suspend-true': [{ path: ['suspend'], value: true }],
  'suspend-false': [{ path: ['suspend'], value: false }],
  'podReplacementPolicy-Failed': [{ path: ['podReplacementPolicy'], value: 'Failed' }],
  'podReplacementPolicy-TerminatingOrFailed': [{ path: ['podReplacementPolicy'], value: 'TerminatingOrFailed' }],
  'manualSelector-true': [{ path: ['manualSelector'], value: true }],
  'selector': [{ path: ['selector', 'matchLabels', 'extra'], value: 'x' }],
  'completionMode-Indexed': [{ path: ['completionMode'], value: 'Indexed' }],
  'completionMode-NonIndexed': [{ path: ['completionMode'], value: 'NonIndexed' }],
  'podFailurePolicy': [{ path: ['podFailurePolicy'], value: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }],
  'podFailurePolicy-removed': [{ path: ['podFailurePolicy'], remove: true }],
  'successPolicy': [{ path: ['successPolicy'], value: { rules: [{ succeededCount: 1 }] } }],
  'successPolicy-removed': [{ path: ['successPolicy'], remove: true }],
  'managedBy': [{ path: ['managedBy'], value: 'example.com/other-controller' }],
  'managedBy-removed': [{ path: ['managedBy'], remove: true }],
  'template.labels': [{ path: ['template', 'metadata', 'labels', 'team'], value: 'data' }],
  'template.annotations': [{ path: ['template', 'metadata', 'annotations'], value: { note: 'x' } }],
  'template.nodeSelector': [{ path: ['template', 'spec', 'nodeSelector'], value: { zone: 'a' } }],
  'template.tolerations': [{ path: ['template', 'spec', 'tolerations'], value: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] }],
  'template.schedulingGates': [{ path: ['template', 'spec', 'schedulingGates'], value: [{ name: 'example.com/gate' }] }],
  'template.nodeAffinity': [{ path: ['template', 'spec', 'affinity'], value: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } }],
  'template.podAffinity': [{ path: ['template', 'spec', 'affinity'], value: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { a: 'b' } } }] } } }],
  'template.resources': [{ path: ['template', 'spec', 'containers', 0, 'resources'], value: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '256Mi' } } }],
  'template.initResources': [{ path: ['template', 'spec', 'initContainers'], value: [{ name: 'init', image: 'busybox:1.36', resources: { requests: { cpu: '100m' } } }] }],
  'template.image': [{ path: ['template', 'spec', 'containers', 0, 'image'], value: 'busybox:1.37' }],
  'template.restartPolicy': [{ path: ['template', 'spec', 'restartPolicy'], value: 'OnFailure' }],
  'template.priorityClassName': [{ path: ['template', 'spec', 'priorityClassName'], value: 'system-cluster-critical' }],
  'metadata.labels': [],
  'invalid-parallelism': [{ path: ['parallelism'], value: -1 }],
};

const updateArb = fc.record({
  base: fc.constantFrom(...Object.keys(UPDATE_BASES)),
  state: fc.constantFrom(...Object.keys(UPDATE_STATES)),
  changes: fc.subarray(Object.keys(SPEC_CHANGES), { minLength: 2, maxLength: 4 }),
});

function updateEntry(id: string, baseName: string, stateName: string, changes: string[]): UpdateEntry {
  const state = UPDATE_STATES[stateName];
  const base = jobObject();
  Object.assign(base.spec, json(UPDATE_BASES[baseName]));
  if (UPDATE_BASES[baseName].podFailurePolicy) base.spec.template.spec.restartPolicy = 'Never';
  if (state.suspend) base.spec.suspend = true;
  const ops: Op[] = [];
  for (const change of changes) {
    if (change === 'metadata.labels') ops.push({ path: ['metadata', 'labels', 'team'], value: 'data' });
    for (const op of SPEC_CHANGES[change]) ops.push({ ...op, path: ['spec', ...op.path] });
  }
  return { id, op: 'update', base, status: state.status ? STATUS_PRESETS[state.status] : undefined, ops };
}

const CRONJOB_UPDATES: Record<string, Op[]> = {
  'schedule': [{ path: ['spec', 'schedule'], value: '*/10 * * * *' }],
  'schedule-invalid': [{ path: ['spec', 'schedule'], value: '61 * * * *' }],
  'timeZone': [{ path: ['spec', 'timeZone'], value: 'Europe/Berlin' }],
  'timeZone-invalid': [{ path: ['spec', 'timeZone'], value: 'Mars/Olympus' }],
  'suspend': [{ path: ['spec', 'suspend'], value: true }],
  'concurrencyPolicy': [{ path: ['spec', 'concurrencyPolicy'], value: 'Forbid' }],
  'template.completionMode': [{ path: ['spec', 'jobTemplate', 'spec', 'completionMode'], value: 'Indexed' }],
  'template.image': [{ path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'], value: 'busybox:1.37' }],
  'template.parallelism-invalid': [{ path: ['spec', 'jobTemplate', 'spec', 'parallelism'], value: -1 }],
};

function updateEntries(plan: CorpusPlan): Entry[] {
  const out: Entry[] = [];
  for (const baseName of Object.keys(UPDATE_BASES)) {
    for (const stateName of Object.keys(UPDATE_STATES)) {
      for (const change of Object.keys(SPEC_CHANGES)) out.push(updateEntry(`update/table/${baseName}/${stateName}/${change}`, baseName, stateName, [change]));
    }
  }
  for (const name of ['nightly', 'a'.repeat(52)]) {
    for (const [change, ops] of Object.entries(CRONJOB_UPDATES)) {
      const base = cronJobObject(name);
      out.push({ id: `update/cronjob/${name.length}/${change}`, op: 'update', base, ops });
    }
  }
  const random = fc.sample(updateArb, { seed: plan.seed + 5, numRuns: Math.max(0, plan.updates - out.length) });
  random.forEach((u, i) => out.push(updateEntry(`update/walk/${i}`, u.base, u.state, u.changes)));
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Fresh objects for a spot check: `n` creates drawn with `seed` from the walk, pod and shape generators. */
export function sampleCreates(seed: number, n: number): CreateEntry[] {
  const third = Math.ceil(n / 3);
  const walks = fc.sample(walkArb, { seed, numRuns: third }).map(walkObject);
  const pods = fc.sample(fc.tuple(podArb, pick('Job' as const, 'CronJob' as const)), { seed: seed + 1, numRuns: third }).map(([p, k]) => podObject(p, k));
  const shapes = fc.sample(shapeArb, { seed: seed + 2, numRuns: n - 2 * third }).map(shapeObject);
  return [...walks, ...pods, ...shapes].map((object, i) => ({ id: `sample/${seed}/${i}`, op: 'create' as const, object }));
}

/** The whole corpus of `plan`, in a stable order. */
export function buildCorpus(plan: CorpusPlan = DEFAULT_PLAN): Entry[] {
  const out: Entry[] = [...tableEntries()];
  fc.sample(walkArb, { seed: plan.seed, numRuns: plan.walk }).forEach((w, i) => out.push({ id: `walk/${i}`, op: 'create', object: walkObject(w) }));
  fc.sample(fc.tuple(podArb, pick('Job' as const, 'CronJob' as const)), { seed: plan.seed + 1, numRuns: plan.pods }).forEach(([p, k], i) =>
    out.push({ id: `pod/${i}`, op: 'create', object: podObject(p, k) }),
  );
  fc.sample(shapeArb, { seed: plan.seed + 2, numRuns: plan.shapes }).forEach((s, i) => out.push({ id: `shape/${i}`, op: 'create', object: shapeObject(s) }));
  out.push(...updateEntries(plan));
  return out;
}
