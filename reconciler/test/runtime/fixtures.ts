// Shared fixtures of the runtime tests.
import { afterEach } from 'node:test';
import type { KubeObject } from '../../src/core/types.ts';

/** A Job in namespace `ns` with one container and a CPU request; `spec` adds to (or overrides) its spec. */
export function testJob(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] } },
      ...spec,
    },
  };
}

/** Clean-ups registered during a test, run in reverse order after it. */
export function cleanupsAfterEach(): Array<() => Promise<void> | void> {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}
