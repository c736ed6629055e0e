/**
 * The API server's defaulting for batch/v1 (section 1 of the batch rules research, R001–R015),
 * and the `PrepareForCreate` steps that shape a stored object (R010–R012). Pure: the input is
 * never modified, any JSON is tolerated (a wrongly typed field is left as it is), and the result
 * is what a real cluster would store and return.
 */
import { cloneJson, isObject } from './json';
import { BatchKind, KubeVersion } from './types';

/** `math.MaxInt32`: the backoffLimit default when backoffLimitPerIndex is set (R002). */
export const MAX_INT32 = 2147483647;

/** The label keys the server generates on a Job's pod template and selector (R010). */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

function atLeast(v: KubeVersion, minor: number): boolean {
  return v.major !== 1 ? v.major > 1 : v.minor >= minor;
}

/**
 * How the defaulting steps get a member they write into: `inPlace` when the whole object is a
 * fresh copy already, or copy-on-write (`owned`), which replaces the member with a shallow copy
 * first so that the input is never written.
 */
interface Writable {
  /** `parent[key]`, ready to be written into. */
  (parent: Record<string, any> | any[], key: string | number): any;
}

const inPlace: Writable = (parent, key) => (parent as any)[key];

const owned: Writable = (parent, key) => {
  const v = (parent as any)[key];
  const copy = Array.isArray(v) ? v.slice() : isObject(v) ? { ...v } : v;
  (parent as any)[key] = copy;
  return copy;
};

/**
 * Applies the API server's defaulting for `kind` on `version` to a copy of `manifest`
 * (R001–R009, R014). The input is never modified.
 */
export function applyDefaults(kind: BatchKind, manifest: unknown, version: KubeVersion): any {
  const out = cloneJson(manifest);
  if (!isObject(out)) return out;
  if (kind === 'Job') defaultJob(out, version, inPlace);
  else defaultCronJob(out, version, inPlace);
  return out;
}

/**
 * What `applyDefaults` returns, for a `manifest` that is plain JSON data already (no `undefined`
 * member, no -0 or non-finite number, no `toJSON`, ordinary prototypes: the JSON copy would
 * change nothing): only the objects and lists defaulting writes to are copied, every other part
 * is shared with `manifest`. The input is never modified; the result must be treated as
 * read-only, as the rules engine does.
 */
export function defaultedView(kind: BatchKind, manifest: unknown, version: KubeVersion): any {
  if (!isObject(manifest)) return cloneJson(manifest);
  const out = { ...manifest };
  if (kind === 'Job') defaultJob(out, version, owned);
  else defaultCronJob(out, version, owned);
  return out;
}

function defaultJob(job: Record<string, any>, version: KubeVersion, writable: Writable): void {
  if (job.spec === undefined) job.spec = {};
  if (!isObject(job.spec)) return;
  defaultJobSpec(writable(job, 'spec'), version, true, writable);
  defaultJobLabels(job, writable);
}

/** R008: a Job without labels takes its pod template's labels. */
function defaultJobLabels(job: Record<string, any>, writable: Writable = inPlace): void {
  if (!isObject(job.spec)) return;
  const templateLabels = isObject(job.spec.template) && isObject(job.spec.template.metadata) ? job.spec.template.metadata.labels : undefined;
  if (isObject(templateLabels)) {
    if (job.metadata === undefined) job.metadata = {};
    const own = isObject(job.metadata) ? job.metadata.labels : undefined;
    if (isObject(job.metadata) && (own === undefined || (isObject(own) && Object.keys(own).length === 0))) {
      writable(job, 'metadata').labels = { ...templateLabels };
    }
  }
}

/** `SetDefaults_Job` on a Job spec; with `full = false` only the type-level defaults (CronJob templates). */
function defaultJobSpec(spec: Record<string, any>, version: KubeVersion, full: boolean, writable: Writable): void {
  if (full) {
    // R001
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    if (spec.parallelism === undefined) spec.parallelism = 1;
    // R002
    if (spec.backoffLimit === undefined) spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
    // R003–R005
    if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
    if (spec.suspend === undefined) spec.suspend = false;
    if (spec.manualSelector === undefined) spec.manualSelector = false;
    // R006: only with JobPodReplacementPolicy on (beta from 1.29).
    if (spec.podReplacementPolicy === undefined && atLeast(version, 29)) {
      spec.podReplacementPolicy = spec.podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed';
    }
  }
  // R007: Jobs always; CronJob templates from 1.34 (type-level defaulter).
  if ((full || atLeast(version, 34)) && isObject(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules)) {
    defaultOnPodConditions(writable === inPlace ? spec.podFailurePolicy : (spec.podFailurePolicy = cloneJson(spec.podFailurePolicy)));
  }
  // R009
  if (isObject(spec.template)) defaultPodTemplate(writable(spec, 'template'), writable);
}

function defaultOnPodConditions(policy: Record<string, any>): void {
  for (const rule of policy.rules) {
    if (!isObject(rule) || !Array.isArray(rule.onPodConditions)) continue;
    rule.onPodConditions.forEach((pattern: unknown, k: number) => {
      // A null pattern decodes as an empty one, which defaulting then fills in.
      if (pattern === null) rule.onPodConditions[k] = { status: 'True' };
      else if (isObject(pattern) && (pattern.status === undefined || pattern.status === '')) pattern.status = 'True';
    });
  }
}

/** The PodSpec defaults a stored pod template carries (generated `SetDefaults_PodSpec` and friends). */
function defaultPodTemplate(template: Record<string, any>, writable: Writable): void {
  if (template.spec === undefined) template.spec = {};
  if (!isObject(template.spec)) return;
  const pod = writable(template, 'spec');
  if (pod.restartPolicy === undefined || pod.restartPolicy === '') pod.restartPolicy = 'Always';
  if (pod.dnsPolicy === undefined || pod.dnsPolicy === '') pod.dnsPolicy = 'ClusterFirst';
  if (pod.terminationGracePeriodSeconds === undefined) pod.terminationGracePeriodSeconds = 30;
  if (pod.schedulerName === undefined || pod.schedulerName === '') pod.schedulerName = 'default-scheduler';
  if (pod.securityContext === undefined) pod.securityContext = {};
  for (const key of CONTAINER_LISTS) {
    if (!Array.isArray(pod[key])) continue;
    const list = writable(pod, key);
    for (let i = 0; i < list.length; i++) if (isObject(list[i])) defaultContainer(writable(list, i), writable);
  }
}

const CONTAINER_LISTS = ['containers', 'initContainers'] as const;

function defaultContainer(c: Record<string, any>, writable: Writable): void {
  if (c.terminationMessagePath === undefined || c.terminationMessagePath === '') c.terminationMessagePath = '/dev/termination-log';
  if (c.terminationMessagePolicy === undefined || c.terminationMessagePolicy === '') c.terminationMessagePolicy = 'File';
  if ((c.imagePullPolicy === undefined || c.imagePullPolicy === '') && typeof c.image === 'string') {
    c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  if (Array.isArray(c.ports)) {
    const ports = writable(c, 'ports');
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      if (isObject(p) && (p.protocol === undefined || p.protocol === '')) writable(ports, i).protocol = 'TCP';
    }
  }
}

/** The tag of an image reference, `latest` when it has neither tag nor digest. */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon < 0 ? 'latest' : image.slice(colon + 1);
}

function defaultCronJob(cronJob: Record<string, any>, version: KubeVersion, writable: Writable): void {
  if (cronJob.spec === undefined) cronJob.spec = {};
  if (!isObject(cronJob.spec)) return;
  const spec = writable(cronJob, 'spec');
  // R014
  if (spec.concurrencyPolicy === undefined || spec.concurrencyPolicy === '') spec.concurrencyPolicy = 'Allow';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined) spec.failedJobsHistoryLimit = 1;
  // The job template's spec is not Job-defaulted (R014); only pod and type-level defaults apply.
  if (isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) defaultJobSpec(writable(writable(spec, 'jobTemplate'), 'spec'), version, false, writable);
}

/** Options of `prepareForCreate`. */
export interface PrepareOptions {
  /** The uid the server assigns to the new object; the generated selector and labels use it. */
  readonly uid: string;
}

/**
 * What the API server stores for a create request, before validation: defaulting (R001–R009,
 * R014), fields whose feature gate is off on `version` dropped (R012), and for a Job without
 * `manualSelector: true` the generated selector and template labels (R010). `metadata.uid` is
 * set to `options.uid`. The input is never modified.
 */
export function prepareForCreate(kind: BatchKind, manifest: unknown, version: KubeVersion, options: PrepareOptions): any {
  const out = applyDefaults(kind, manifest, version);
  if (!isObject(out)) return out;
  if (out.metadata === undefined) out.metadata = {};
  if (isObject(out.metadata)) out.metadata.uid = options.uid;
  if (kind === 'Job' && isObject(out.spec)) {
    dropDisabledJobFields(out.spec, version);
    generateSelector(out, options.uid);
    // Defaulting runs again when the object is read back, so generated labels can reach the Job (R008).
    defaultJobLabels(out);
  } else if (kind === 'CronJob' && isObject(out.spec) && isObject(out.spec.jobTemplate) && isObject(out.spec.jobTemplate.spec)) {
    dropDisabledJobFields(out.spec.jobTemplate.spec, version);
  }
  return out;
}

/**
 * R012: what `PrepareForCreate` silently drops when a gate is off. On 1.28 that is
 * backoffLimitPerIndex, maxFailedIndexes, every FailIndex pod failure rule and
 * podReplacementPolicy; successPolicy before 1.31 and managedBy before 1.32 (alpha or absent).
 */
export function dropDisabledJobFields(spec: Record<string, any>, version: KubeVersion): void {
  if (!atLeast(version, 29)) {
    delete spec.backoffLimitPerIndex;
    delete spec.maxFailedIndexes;
    delete spec.podReplacementPolicy;
    dropFailIndexRules(spec);
  }
  if (!atLeast(version, 31)) delete spec.successPolicy;
  if (!atLeast(version, 32)) delete spec.managedBy;
}

/** Removes every FailIndex pod failure rule, as `PrepareForCreate` does while JobBackoffLimitPerIndex is off (1.28). */
export function dropFailIndexRules(spec: Record<string, any>): void {
  if (isObject(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules)) {
    // A new policy object: the spec may share the old one with its input (`defaultedView`).
    spec.podFailurePolicy = { ...spec.podFailurePolicy, rules: spec.podFailurePolicy.rules.filter((r: any) => !(isObject(r) && r.action === 'FailIndex')) };
  }
}

/** R010: the selector and template labels the server generates for a Job without `manualSelector: true`. */
function generateSelector(job: Record<string, any>, uid: string): void {
  const spec = job.spec;
  if (spec.manualSelector === true) return;
  const name = isObject(job.metadata) && typeof job.metadata.name === 'string' ? job.metadata.name : '';
  if (spec.template === undefined) spec.template = {};
  if (!isObject(spec.template)) return;
  if (spec.template.metadata === undefined) spec.template.metadata = {};
  if (!isObject(spec.template.metadata)) return;
  if (spec.template.metadata.labels === undefined) spec.template.metadata.labels = {};
  const labels = spec.template.metadata.labels;
  if (!isObject(labels)) return;
  for (const [key, value] of [
    [LEGACY_CONTROLLER_UID_LABEL, uid],
    [LEGACY_JOB_NAME_LABEL, name],
    [CONTROLLER_UID_LABEL, uid],
    [JOB_NAME_LABEL, name],
  ] as const) {
    if (labels[key] === undefined) labels[key] = value;
  }
  if (spec.selector === undefined) spec.selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
}
