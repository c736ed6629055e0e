/**
 * What the API server does to an object between decoding and storage: metadata checks,
 * Job/CronJob defaulting and validation with the shared rules engine, and the Job
 * controller-uid selector and template labels it generates on create.
 */
import {
  applyDefaults,
  batchKindOf,
  parseVersion,
  prepareForCreate,
  RULES,
  validate,
  validateStatusUpdate,
  validateUpdate,
  type Violation,
} from 'cdk8s-batch/rules';
import { validateEventsV1 } from './event-validation.ts';
import { resourceForKind } from './resources.ts';
import { StoreError, type StoredObject } from './types.ts';

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

/**
 * Error codes of the rules that a real API server does not enforce: the project's pattern rules,
 * its stricter-than-the-server checks, and fields of a newer version (the server drops those,
 * as `prepareForCreate` does here).
 */
const NOT_ENFORCED_BY_THE_SERVER: ReadonlySet<string> = new Set([
  ...RULES.filter((r) => r.source !== 'API server').map((r) => r.code),
  'FieldRequiresNewerKubernetes',
]);

function throwOnErrors(obj: StoredObject, violations: readonly Violation[]): void {
  const errors = violations.filter((v) => v.severity === 'error' && !NOT_ENFORCED_BY_THE_SERVER.has(v.code));
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
      "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    throw invalid(obj, [{ field: 'metadata.name', message, reason: 'FieldValueInvalid' }]);
  }
}

/** Validates an `events.k8s.io/v1` Event; other objects pass. */
function validateEvent(obj: StoredObject): void {
  if (obj.kind !== 'Event' || obj.apiVersion !== 'events.k8s.io/v1') return;
  const causes = validateEventsV1(obj);
  if (causes.length > 0) throw invalid(obj, causes);
}

/** How unknown fields are treated (the `fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** What a write is admitted with. */
export interface AdmissionContext {
  readonly kubernetesVersion: string;
  /** Default `Strict`: unknown fields are a 400; `Warn` and `Ignore` drop them (`Warn` also reports them). */
  readonly fieldValidation?: FieldValidation;
  /** Receives the warnings of a `Warn` write (as the API server's `Warning` headers). */
  readonly warnings?: string[];
}

const UNKNOWN_FIELD = 'FieldUnknown';

/** `spec.template.spec.containers[0].x` → `['spec', 'template', 'spec', 'containers', 0, 'x']`. */
function pathSegments(path: string): Array<string | number> {
  return path.split('.').flatMap((part) => {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const indexes = [...m[2].matchAll(/\[(\d+)\]/g)].map((i) => Number(i[1]));
    return [m[1], ...indexes].filter((seg) => seg !== '');
  });
}

function deletePath(obj: unknown, path: string): void {
  const segments = pathSegments(path);
  const last = segments.pop();
  const parent = segments.reduce<unknown>((cur, seg) => (cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined), obj);
  if (parent !== null && typeof parent === 'object' && last !== undefined) delete (parent as Record<string, unknown>)[last];
}

/**
 * Applies field validation to the unknown-field violations: Strict rejects the write with the
 * API server's 400 `strict decoding error`; Warn and Ignore drop the fields from `obj`.
 * Returns the other violations.
 */
function admitUnknownFields(obj: StoredObject, violations: readonly Violation[], ctx: AdmissionContext): Violation[] {
  const unknownPaths = [...new Set([...outerUnknownFields(obj), ...violations.filter((v) => v.code === UNKNOWN_FIELD).map((v) => v.path)])];
  if (unknownPaths.length === 0) return [...violations];
  const order = Object.keys(obj);
  unknownPaths.sort((a, b) => order.indexOf(a.split('.')[0]) - order.indexOf(b.split('.')[0]));
  const messages = unknownPaths.map((path) => `unknown field ${JSON.stringify(path)}`);
  if ((ctx.fieldValidation ?? 'Strict') === 'Strict') {
    const version = obj.apiVersion.split('/').pop();
    throw new StoreError(400, 'BadRequest', `${obj.kind} in version ${JSON.stringify(version)} cannot be handled as a ${obj.kind}: strict decoding error: ${messages.join(', ')}`);
  }
  for (const path of unknownPaths) deletePath(obj, path);
  if (ctx.fieldValidation === 'Warn') ctx.warnings?.push(...messages);
  return violations.filter((v) => v.code !== UNKNOWN_FIELD);
}

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/** Unknown fields outside the spec (top level and ObjectMeta), which the rules do not walk. */
function outerUnknownFields(obj: StoredObject): string[] {
  const top = Object.keys(obj).filter((k) => !TOP_LEVEL_FIELDS.has(k));
  const meta = Object.keys(obj.metadata ?? {}).filter((k) => !OBJECT_META_FIELDS.has(k)).map((k) => `metadata.${k}`);
  return [...top, ...meta];
}

/**
 * Validates a new Job/CronJob with the rules (errors only; unknown fields per `fieldValidation`,
 * dropped from `obj` unless Strict) and an events.k8s.io Event; other kinds pass.
 */
export function validateCreate(obj: StoredObject, ctx: AdmissionContext): void {
  validateEvent(obj);
  if (!batchKindOf(obj)) return;
  const violations = validate(obj, { kubernetesVersion: ctx.kubernetesVersion });
  throwOnErrors(obj, admitUnknownFields(obj, violations, ctx));
}

/** Validates a Job/CronJob update (`validateUpdate`: the create rules on the new object plus the update rules) and an Event update. */
export function validateChange(oldObj: StoredObject, newObj: StoredObject, ctx: AdmissionContext): void {
  if (oldObj.apiVersion === newObj.apiVersion) validateEvent(newObj);
  if (!batchKindOf(newObj)) return;
  const violations = validateUpdate(oldObj, newObj, { kubernetesVersion: ctx.kubernetesVersion });
  throwOnErrors(newObj, admitUnknownFields(newObj, violations, ctx));
}

/** Validates a write of a Job's status subresource (`validateStatusUpdate`); other kinds pass. */
export function validateStatusChange(oldObj: StoredObject, newObj: StoredObject, kubernetesVersion: string): void {
  throwOnErrors(newObj, validateStatusUpdate(oldObj, newObj, { kubernetesVersion }));
}

/**
 * Prepares a validated object for storage on create, as the API server's create strategy
 * does (`prepareForCreate` of the rules: defaulting, fields of disabled features dropped, the
 * Job selector and pod template labels generated from the uid unless `spec.manualSelector`);
 * Jobs and CronJobs start with an empty status, and so do the kinds whose create strategy resets
 * it (`statusResetOnCreate`: Deployments, StatefulSets, …). Other kinds are stored as sent.
 */
export function prepareCreate(obj: StoredObject, kubernetesVersion: string): StoredObject {
  const kind = batchKindOf(obj);
  if (!kind) {
    if (resourceForKind(obj.kind)?.statusResetOnCreate) obj.status = {};
    // A new pod is Pending (the pod strategy's PrepareForCreate); a status the writer set otherwise is kept.
    if (obj.kind === 'Pod' && !obj.status?.phase) obj.status = { ...(obj.status ?? {}), phase: 'Pending' };
    return obj;
  }
  const prepared = prepareForCreate(kind, obj, parseVersion(kubernetesVersion), { uid: obj.metadata.uid }) as StoredObject;
  prepared.status = {};
  return prepared;
}

/** Applies the version's defaults to an updated Job/CronJob (the API server defaults every write). */
export function prepareUpdate(obj: StoredObject, kubernetesVersion: string): StoredObject {
  const kind = batchKindOf(obj);
  if (!kind) return obj;
  const defaulted = applyDefaults(kind, obj, parseVersion(kubernetesVersion)) as StoredObject;
  defaulted.metadata = obj.metadata;
  return defaulted;
}
