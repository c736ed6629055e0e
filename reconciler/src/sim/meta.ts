/** Label, annotation and naming conventions of the built-in batch controllers, and small object helpers. */
import type { StoredObject } from '../emulator/types.ts';

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** The finalizer the job controller puts on the pods it creates, so that it counts each finished pod once. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-ignored-failure-count';
export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** Kubernetes objects and their parts are untyped JSON here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- live objects are untyped JSON
export type Json = any;

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses a timestamp to epoch ms (undefined when absent or invalid). */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A condition as the batch controllers write it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

/** The condition of `type` in `status.conditions`, if any. */
export function findCondition(obj: { status?: Json } | undefined, type: string): Condition | undefined {
  const conditions: Condition[] = Array.isArray(obj?.status?.conditions) ? obj!.status.conditions : [];
  return conditions.find((c) => c.type === type);
}

/** Whether `status.conditions` has `type` with status True. */
export function hasTrueCondition(obj: { status?: Json } | undefined, type: string): boolean {
  return findCondition(obj, type)?.status === 'True';
}

/** A Job is finished when it has Complete=True or Failed=True. */
export function isJobFinished(job: StoredObject): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

/** The uid of the controlling owner of `kind`, if any. */
export function controllerUid(obj: StoredObject, kind: string): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === kind)?.uid;
}

/** A controller ownerReference to `owner`. */
export function controllerRef(owner: StoredObject): NonNullable<StoredObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** `namespace/name`. */
export function keyOf(obj: { metadata: { namespace?: string; name: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
