/**
 * The API server's validation of `events.k8s.io/v1` Events (ValidateEventCreate for the
 * events API): the fields a reporter must set, their limits, and the deprecated core fields
 * that must stay unset. Core `v1` Events keep their laxer legacy validation (none here).
 */
import type { StoredObject } from './types.ts';

/** One failed field check. */
export interface FieldCause {
  readonly field: string;
  readonly message: string;
  readonly reason: string;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DEPRECATED = ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'];
const CLUSTER_EVENT_NAMESPACES = new Set(['default', 'kube-system']);

/** Set, as the API server sees it: an empty source (`{}`, as it serialises one) counts as unset. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'object' && !Array.isArray(value)) return Object.values(value).some((v) => v !== undefined && v !== null && v !== '');
  return true;
}

function required(field: string): FieldCause {
  return { field, message: 'Required value', reason: 'FieldValueRequired' };
}

function invalid(field: string, value: unknown, why: string): FieldCause {
  return { field, message: `Invalid value: ${JSON.stringify(value)}: ${why}`, reason: 'FieldValueInvalid' };
}

function text(ev: Record<string, unknown>, field: string): string | undefined {
  const v = ev[field];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function limited(ev: Record<string, unknown>, field: string, max: number): FieldCause[] {
  const v = text(ev, field);
  if (v === undefined) return [required(field)];
  return v.length > max ? [invalid(field, v, `can have at most ${max} characters`)] : [];
}

function checkReporter(ev: Record<string, unknown>): FieldCause[] {
  const controller = text(ev, 'reportingController');
  if (controller === undefined) return [required('reportingController')];
  return QUALIFIED_NAME.test(controller) && controller.length <= 316
    ? []
    : [invalid('reportingController', controller, "must be a qualified name such as 'example.com/my-controller'")];
}

function checkType(ev: Record<string, unknown>): FieldCause[] {
  const type = ev.type;
  if (type === 'Normal' || type === 'Warning') return [];
  return [{ field: 'type', message: `Unsupported value: ${JSON.stringify(type ?? '')}: supported values: "Normal", "Warning"`, reason: 'FieldValueNotSupported' }];
}

function checkRegarding(ev: Record<string, unknown>, namespace: string | undefined): FieldCause[] {
  const regarding = (ev.regarding ?? {}) as Record<string, unknown>;
  const ns = typeof regarding.namespace === 'string' ? regarding.namespace : '';
  if (ns === '' && !CLUSTER_EVENT_NAMESPACES.has(namespace ?? '')) {
    return [invalid('regarding.namespace', ns, 'does not match event.namespace')];
  }
  return ns !== '' && ns !== namespace ? [invalid('regarding.namespace', ns, 'does not match event.namespace')] : [];
}

function checkSeries(ev: Record<string, unknown>): FieldCause[] {
  const series = ev.series as Record<string, unknown> | undefined;
  if (!series) return [];
  const out: FieldCause[] = [];
  if (typeof series.count !== 'number' || series.count < 2) out.push(invalid('series.count', series.count, 'should be at least 2'));
  if (!series.lastObservedTime) out.push(required('series.lastObservedTime'));
  return out;
}

/** The causes an `events.k8s.io/v1` Event is rejected for (empty when valid). */
export function validateEventsV1(obj: StoredObject): FieldCause[] {
  const ev = obj as unknown as Record<string, unknown>;
  const note = text(ev, 'note') ?? '';
  return [
    ...(ev.eventTime ? [] : [required('eventTime')]),
    ...checkType(ev),
    ...checkReporter(ev),
    ...limited(ev, 'reportingInstance', 128),
    ...limited(ev, 'action', 128),
    ...limited(ev, 'reason', 128),
    ...(note.length > 1024 ? [invalid('note', `${note.slice(0, 20)}…`, 'can have at most 1024 characters')] : []),
    ...checkRegarding(ev, obj.metadata.namespace),
    ...checkSeries(ev),
    ...DEPRECATED.filter((f) => isSet(ev[f])).map((f) => invalid(f, ev[f], 'needs to be unset')),
  ];
}
