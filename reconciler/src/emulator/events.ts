/**
 * Core `v1` Events and `events.k8s.io/v1` Events are one resource in the API server, served
 * in two shapes. The emulator stores an Event in the shape it was written in and converts it
 * when it is read through the other API, with the field mapping of
 * `k8s.io/kubernetes/pkg/apis/events/v1` (regarding ↔ involvedObject, note ↔ message, …).
 */
import type { StoredObject } from './types.ts';

type Json = Record<string, unknown>;

function pick(source: Json, mapping: ReadonlyArray<[string, string]>): Json {
  const out: Json = {};
  for (const [from, to] of mapping) {
    if (source[from] !== undefined) out[to] = source[from];
  }
  return out;
}

/** Fields with the same name in both shapes. */
const SHARED: ReadonlyArray<[string, string]> = [
  ['reason', 'reason'],
  ['type', 'type'],
  ['action', 'action'],
  ['related', 'related'],
  ['eventTime', 'eventTime'],
  ['reportingInstance', 'reportingInstance'],
];

const CORE_TO_EVENTS: ReadonlyArray<[string, string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

const EVENTS_TO_CORE: ReadonlyArray<[string, string]> = CORE_TO_EVENTS.map(([a, b]) => [b, a]);

function toEventsV1(core: StoredObject): StoredObject {
  const src = core as unknown as Json;
  const source = (src.source ?? {}) as Json;
  const out: Json = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: core.metadata, ...pick(src, SHARED), ...pick(src, CORE_TO_EVENTS) };
  out.reportingController = src.reportingComponent ?? source.component;
  out.reportingInstance ??= source.host;
  if (src.series) out.series = src.series;
  return out as unknown as StoredObject;
}

function toCoreV1(ev: StoredObject): StoredObject {
  const src = ev as unknown as Json;
  const out: Json = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata, ...pick(src, SHARED), ...pick(src, EVENTS_TO_CORE) };
  out.reportingComponent = src.reportingController ?? '';
  // The API server converts a missing deprecatedSource to an empty source and missing timestamps to null.
  out.source ??= {};
  out.firstTimestamp ??= null;
  out.lastTimestamp ??= null;
  out.involvedObject ??= {};
  if (src.series) out.series = src.series;
  return out as unknown as StoredObject;
}

/** `obj` in the shape of `apiVersion`: Events are converted between `v1` and `events.k8s.io/v1`; others are returned as is. */
export function asVersion(obj: StoredObject, apiVersion: string): StoredObject {
  if (obj.kind === 'Event' && obj.apiVersion === 'events.k8s.io/v1' && apiVersion === obj.apiVersion) return withDeprecatedFields(obj);
  if (obj.kind !== 'Event' || obj.apiVersion === apiVersion) return obj;
  return apiVersion === 'events.k8s.io/v1' ? toEventsV1(obj) : toCoreV1(obj);
}

/** An events.k8s.io/v1 Event as the API server serialises it: the deprecated fields present, empty or null. */
function withDeprecatedFields(ev: StoredObject): StoredObject {
  const src = ev as unknown as Json;
  if ('deprecatedSource' in src && 'deprecatedFirstTimestamp' in src && 'deprecatedLastTimestamp' in src) return ev;
  return { ...src, deprecatedSource: src.deprecatedSource ?? {}, deprecatedFirstTimestamp: src.deprecatedFirstTimestamp ?? null, deprecatedLastTimestamp: src.deprecatedLastTimestamp ?? null } as unknown as StoredObject;
}
