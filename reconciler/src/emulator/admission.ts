/**
 * What the API server does to an object between decoding and storage: metadata checks,
 * Job/CronJob defaulting and validation with the shared rules engine, and the Job
 * controller-uid selector and template labels it generates on create.
 */
import { applyDefaults, batchKindOf, parseVersion, validate, validateUpdate, type Violation } from 'cdk8s-batch/rules';
import { validateEventsV1 } from './event-validation.ts';
import { StoreError, type StoredObject } from './types.ts';

/** The label key the API server generates a Job selector from. */
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** The label with the Job name the API server adds to a Job's pod template. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

type Cause = { readonly field: string; readonly message: string; readonly reason: string };

/** `Job.batch "x"` / `Pod "x"`: how the API server names an object in messages. */
export function qualifiedName(obj: { apiVersion?: string; kind: string; metadata: { name?: string } }): string {
  const group = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return `${obj.kind}${group ? `.${group}` : ''} ${JSON.stringify(obj.metadata.name ?? '')}`;
}

/** Builds the 422 `Invalid` error the API server answers with for `causes`. */
export function invalid(obj: StoredObject, causes: Cause[]): StoreError {
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const detail = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StoreError(422, 'Invalid', `${qualifiedName(obj)} is invalid: ${detail}`, causes).forObject(obj.metadata.name);
}

function causeReason(message: string): string {
  if (/\b(required|must be specified)\b/i.test(message)) return 'FieldValueRequired';
  if (/\b(forbidden|may not|not allowed)\b/i.test(message)) return 'FieldValueForbidden';
  return 'FieldValueInvalid';
}

function toCause(v: Violation): Cause {
  const rest = v.message.startsWith(`${v.path} `) ? v.message.slice(v.path.length + 1) : v.message;
  const message = `${rest} [${v.code}]`;
  return { field: v.path, message, reason: causeReason(rest) };
}

function throwOnErrors(obj: StoredObject, violations: readonly Violation[]): void {
  const errors = violations.filter((v) => v.severity === 'error');
  if (errors.length > 0) throw invalid(obj, errors.map(toCause));
}

/** Checks `metadata.name` the way every resource's validation does (DNS subdomain). */
export function validateName(obj: StoredObject): void {
  const name = obj.metadata.name;
  if (!name) {
    throw invalid(obj, [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
  }
  if (name.length > 253 || !NAME_RE.test(name)) {
    const message =
      `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric ` +
      "characters, '-' or '.', and must start and end with an alphanumeric character";
    throw invalid(obj, [{ field: 'metadata.name', message, reason: 'FieldValueInvalid' }]);
  }
}

/** Validates an `events.k8s.io/v1` Event; other objects pass. */
function validateEvent(obj: StoredObject): void {
  if (obj.kind !== 'Event' || obj.apiVersion !== 'events.k8s.io/v1') return;
  const causes = validateEventsV1(obj);
  if (causes.length > 0) throw invalid(obj, causes);
}

/** Validates a new Job/CronJob with the rules (errors only) and an events.k8s.io Event; other kinds pass. */
export function validateCreate(obj: StoredObject, kubernetesVersion: string): void {
  validateEvent(obj);
  if (!batchKindOf(obj)) return;
  throwOnErrors(obj, validate(obj, { kubernetesVersion }));
}

/** Validates a Job/CronJob update (the create rules on the new object plus the update rules) and an Event update. */
export function validateChange(oldObj: StoredObject, newObj: StoredObject, kubernetesVersion: string): void {
  if (oldObj.apiVersion === newObj.apiVersion) validateEvent(newObj);
  if (!batchKindOf(newObj)) return;
  throwOnErrors(newObj, [...validate(newObj, { kubernetesVersion }), ...validateUpdate(oldObj, newObj, { kubernetesVersion })]);
}

type JsonMap = Record<string, unknown> & { labels?: Record<string, string> };

function record(value: unknown): JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonMap) : {};
}

/** Generates a Job's selector and pod template labels from its uid, unless `spec.manualSelector` is true. */
function generateSelector(job: StoredObject): void {
  const spec = record(job.spec);
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid;
  const name = job.metadata.name;
  spec.selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
  const template = record(spec.template);
  const metadata = record(template.metadata);
  const labels = (metadata.labels ?? {}) as Record<string, string>;
  metadata.labels = { ...labels, [CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, 'controller-uid': uid, 'job-name': name };
  template.metadata = metadata;
  spec.template = template;
  job.spec = spec;
}

/**
 * Prepares a validated object for storage on create, as the API server's create strategy
 * does: Jobs and CronJobs get the version's defaults and an empty status; Jobs get their
 * generated selector. Other kinds are stored as sent.
 */
export function prepareCreate(obj: StoredObject, kubernetesVersion: string): StoredObject {
  const kind = batchKindOf(obj);
  if (!kind) return obj;
  const defaulted = applyDefaults(kind, obj, parseVersion(kubernetesVersion)) as StoredObject;
  defaulted.metadata = obj.metadata;
  defaulted.status = {};
  if (kind === 'Job') generateSelector(defaulted);
  return defaulted;
}

/** Applies the version's defaults to an updated Job/CronJob (the API server defaults every write). */
export function prepareUpdate(obj: StoredObject, kubernetesVersion: string): StoredObject {
  const kind = batchKindOf(obj);
  if (!kind) return obj;
  const defaulted = applyDefaults(kind, obj, parseVersion(kubernetesVersion)) as StoredObject;
  defaulted.metadata = obj.metadata;
  return defaulted;
}
