/** events.k8s.io/v1 Events written by the simulated controllers. */
import type { NewObject, StoredObject } from '../emulator/types.ts';
import type { SimEvent } from './job-plan.ts';

/** The `reportingInstance` of every simulated controller. */
export const SIM_REPORTING_INSTANCE = 'sim-control-plane';

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** An Event about `regarding`, named `<name>.<hex>` like the upstream recorder does. */
export function eventObject(regarding: StoredObject, event: SimEvent, meta: { now: number; controller: string; serial: number }): NewObject {
  const namespace = regarding.metadata.namespace ?? 'default';
  const hex = (BigInt(meta.now) * 1_000_000n + BigInt(meta.serial)).toString(16);
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${regarding.metadata.name}.${hex}`, namespace },
    eventTime: microTime(meta.now),
    reportingController: meta.controller,
    reportingInstance: SIM_REPORTING_INSTANCE,
    action: event.action,
    reason: event.reason,
    note: event.note,
    type: event.type,
    regarding: {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      name: regarding.metadata.name,
      namespace,
      uid: regarding.metadata.uid,
      resourceVersion: regarding.metadata.resourceVersion,
    },
  };
}
