/** Workloads of the fault matrix. */
import type { NewObject } from '../../src/emulator/types.ts';

export const NS = 'ops';
/** Where the audit-only workload lives (enforce mode is limited to `NS`). */
export const AUDIT_NS = 'audit';
export const MINUTE = 60_000;

/** A Job that runs for hours (the simulated kubelet reads the duration annotation), with no audit violation. */
export function longJob(name: string): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: {
      ttlSecondsAfterFinished: 3600,
      activeDeadlineSeconds: 86_400,
      template: {
        metadata: { annotations: { 'sandbox.batch.cdk8s.io/duration': '6h' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
      },
    },
  } as NewObject;
}

/**
 * A suspended Job with two audit warnings (no TTL, no deadline): the reconciler writes exactly
 * two Warning Events about it and nothing else.
 */
export function untidyJob(name: string, namespace = AUDIT_NS): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      suspend: true,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m' } } }] } },
    },
  } as NewObject;
}

/** The reasons of the two Events an `untidyJob` gets. */
export const UNTIDY_REASONS = ['ActiveDeadlineSecondsMissing', 'TtlSecondsAfterFinishedMissing'];

/** The Event prefixes (`regarding/reason/`) expected for `untidyJob`s named `names`. */
export function untidyEvents(names: readonly string[]): string[] {
  return names.flatMap((n) => UNTIDY_REASONS.map((r) => `${n}/${r}/`));
}
