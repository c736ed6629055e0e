import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, mergePatch, strategicMerge } from '../../src/emulator/patch.ts';
import { StoreError } from '../../src/emulator/types.ts';

const pod = {
  metadata: {
    name: 'p',
    finalizers: ['a'],
    ownerReferences: [
      { uid: 'u1', name: 'j1', kind: 'Job', apiVersion: 'batch/v1' },
      { uid: 'u2', name: 'j2', kind: 'Job', apiVersion: 'batch/v1' },
    ],
  },
  spec: {
    containers: [
      { name: 'main', image: 'a:1', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'b:1' },
    ],
    tolerations: [{ key: 'x' }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};

function code(status: number): (err: unknown) => boolean {
  return (err: unknown) => err instanceof StoreError && err.code === status;
}

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null and replaces lists', () => {
    const out = mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] });
    assert.deepEqual(out, { a: { c: 2, d: 3 }, l: [3] });
  });

  it('replaces the target when the patch is not an object', () => {
    assert.equal(mergePatch({ a: 1 }, 'x'), 'x');
  });
});

describe('strategicMerge', () => {
  it('merges containers by name and their env and ports by their keys', () => {
    const out = strategicMerge(pod, {
      spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    }) as typeof pod;
    assert.deepEqual(out.spec.containers.map((c) => c.name), ['main', 'side']);
    assert.deepEqual(out.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    assert.deepEqual(out.spec.containers[0].ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
    assert.equal(out.spec.containers[0].image, 'a:1');
  });

  it('merges ownerReferences by uid and conditions by type', () => {
    const out = strategicMerge(pod, {
      metadata: { ownerReferences: [{ uid: 'u2', controller: true }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    }) as typeof pod;
    assert.deepEqual(out.metadata.ownerReferences[1], { uid: 'u2', name: 'j2', kind: 'Job', apiVersion: 'batch/v1', controller: true });
    assert.deepEqual(out.status.conditions, [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('replaces lists without a merge key and unions finalizers', () => {
    const out = strategicMerge(pod, { spec: { tolerations: [{ key: 'y' }] }, metadata: { finalizers: ['b', 'a'] } }) as typeof pod;
    assert.deepEqual(out.spec.tolerations, [{ key: 'y' }]);
    assert.deepEqual(out.metadata.finalizers, ['a', 'b']);
  });

  it('honours $patch delete and replace and $deleteFromPrimitiveList', () => {
    const out = strategicMerge(pod, {
      metadata: { ownerReferences: [{ uid: 'u1', $patch: 'delete' }], '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
      status: { $patch: 'replace', phase: 'Running' },
    }) as typeof pod & { status: { phase: string } };
    assert.deepEqual(out.metadata.ownerReferences.map((r) => r.uid), ['u2']);
    assert.deepEqual(out.metadata.finalizers, []);
    assert.deepEqual(out.spec.containers.map((c) => c.name), ['main']);
    assert.deepEqual(out.status, { phase: 'Running' });
  });

  it('fails with 400 for a list item without its merge key', () => {
    assert.throws(() => strategicMerge(pod, { spec: { containers: [{ image: 'c:1' }] } }), code(400));
  });

  it('does not modify its inputs', () => {
    const before = structuredClone(pod);
    strategicMerge(pod, { spec: { containers: [{ name: 'main', image: 'z' }] } });
    assert.deepEqual(pod, before);
  });
});

describe('applyPatch', () => {
  it('dispatches on the content type, ignoring parameters', () => {
    assert.deepEqual(applyPatch('application/merge-patch+json; charset=utf-8', { a: [1] }, { a: [2] }), { a: [2] });
    assert.deepEqual(applyPatch('application/json-patch+json', { a: 1 }, [{ op: 'replace', path: '/a', value: 2 }]), { a: 2 });
    const smp = applyPatch('application/strategic-merge-patch+json', pod, { spec: { containers: [{ name: 'side', image: 'b:2' }] } }) as typeof pod;
    assert.equal(smp.spec.containers.length, 2);
  });

  it('fails with 415 for other content types, 400 for malformed patches and 422 for failed tests', () => {
    assert.throws(() => applyPatch('application/json', {}, {}), code(415));
    assert.throws(() => applyPatch('application/merge-patch+json', {}, [1]), code(400));
    assert.throws(() => applyPatch('application/json-patch+json', {}, [{ op: 'nope', path: '/a' }]), code(400));
    assert.throws(() => applyPatch('application/json-patch+json', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), code(422));
    assert.throws(() => applyPatch('application/json-patch+json', {}, [{ op: 'replace', path: '/missing/x', value: 2 }]), code(422));
  });
});
