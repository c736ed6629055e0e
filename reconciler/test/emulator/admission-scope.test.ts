import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryStore } from '../../src/emulator/store.ts';
import { StoreError } from '../../src/emulator/types.ts';

const job = (annotations: Record<string, string>, restartPolicy = 'Never'): Record<string, unknown> => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'drifted', namespace: 'default', annotations },
  spec: { completions: 3, template: { spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox' }] } } },
});

it('accepts what a real API server accepts, even when the project\'s own rules call it an error', () => {
  // a Job annotated OneShotJob with 3 completions breaks the pattern rule, not the API server's rules
  const store = new MemoryStore();
  const created = store.create(job({ 'batch.cdk8s.io/pattern': 'OneShotJob' }) as never);
  assert.equal(created.spec.completions, 3);
});

it('rejects what a real API server rejects', () => {
  const store = new MemoryStore();
  assert.throws(
    () => store.create(job({}, 'Always') as never),
    (e: unknown) => e instanceof StoreError && e.code === 422 && /spec\.template\.spec\.restartPolicy/.test(e.message),
  );
});
