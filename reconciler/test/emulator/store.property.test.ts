import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mergePatch, strategicMerge } from '../../src/emulator/patch.ts';
import { MemoryStore } from '../../src/emulator/store.ts';
import { StoreError, type PropagationPolicy, type StoredObject } from '../../src/emulator/types.ts';

const NAMES = ['a', 'b', 'c', 'd'];

type Op =
  | { op: 'create'; kind: 'Pod' | 'ConfigMap'; name: string; owner?: string }
  | { op: 'label'; kind: 'Pod' | 'ConfigMap'; name: string; value: string; stale: boolean }
  | { op: 'delete'; kind: 'Pod' | 'ConfigMap'; name: string; policy: PropagationPolicy };

const kindArb = fc.constantFrom<'Pod' | 'ConfigMap'>('Pod', 'ConfigMap');
const nameArb = fc.constantFrom(...NAMES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant<'create'>('create'), kind: kindArb, name: nameArb, owner: fc.option(nameArb, { nil: undefined }) }),
  fc.record({ op: fc.constant<'label'>('label'), kind: kindArb, name: nameArb, value: fc.constantFrom('x', 'y'), stale: fc.boolean() }),
  fc.record({ op: fc.constant<'delete'>('delete'), kind: kindArb, name: nameArb, policy: fc.constantFrom<PropagationPolicy>('Background', 'Foreground', 'Orphan') }),
);

function apply(store: MemoryStore, op: Op): void {
  if (op.op === 'create') {
    const owner = op.owner ? store.get('ConfigMap', 'default', op.owner) : undefined;
    const ownerReferences = owner ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid }] : undefined;
    store.create({ apiVersion: 'v1', kind: op.kind, metadata: { name: op.name, namespace: 'default', ownerReferences } });
  } else if (op.op === 'label') {
    const current = store.get(op.kind, 'default', op.name);
    if (!current) return;
    const rv = op.stale ? String(Number(current.metadata.resourceVersion) - 1) : current.metadata.resourceVersion;
    store.replace({ ...current, metadata: { ...current.metadata, resourceVersion: rv, labels: { v: op.value } } });
  } else {
    store.delete(op.kind, 'default', op.name, { propagationPolicy: op.policy });
  }
}

function key(o: StoredObject): string {
  return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}

function snapshot(store: MemoryStore): Map<string, StoredObject> {
  return new Map([...store.list('Pod'), ...store.list('ConfigMap')].map((o) => [key(o), o]));
}

describe('MemoryStore properties', () => {
  it('lets a watcher that applies every event rebuild the store, with increasing resourceVersions', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const store = new MemoryStore({ seedNamespaces: false });
        const mirror = new Map<string, StoredObject>();
        let lastRv = 0;
        store.watch(({ type, object }) => {
          const rv = Number(object.metadata.resourceVersion);
          assert.ok(rv > lastRv, `resourceVersion ${rv} after ${lastRv}`);
          lastRv = rv;
          if (type === 'DELETED') mirror.delete(key(object));
          else mirror.set(key(object), object);
        });
        for (const op of ops) {
          try {
            apply(store, op);
          } catch (err) {
            if (!(err instanceof StoreError) || ![404, 409].includes(err.code)) throw err;
          }
        }
        assert.deepEqual(mirror, snapshot(store));
        for (const obj of mirror.values()) {
          for (const ref of obj.metadata.ownerReferences ?? []) {
            assert.ok(store.list('ConfigMap').some((cm) => cm.metadata.uid === ref.uid), `${key(obj)} has no dangling owner`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('replays the recorded history from any resourceVersion onto the state at that version', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.array(opArb, { maxLength: 20 }), (before, after) => {
        const store = new MemoryStore({ seedNamespaces: false, historyLimit: 100 });
        const run = (ops: Op[]): void => {
          for (const op of ops) {
            try {
              apply(store, op);
            } catch (err) {
              if (!(err instanceof StoreError)) throw err;
            }
          }
        };
        run(before);
        const at = store.resourceVersion;
        const state = snapshot(store);
        run(after);
        for (const { event } of store.eventsSince(at)) {
          if (event.type === 'DELETED') state.delete(key(event.object));
          else state.set(key(event.object), event.object);
        }
        assert.deepEqual(state, snapshot(store));
      }),
      { numRuns: 60 },
    );
  });
});

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, true, 1, 'x'), tie('map'), fc.array(fc.constantFrom(1, 2), { maxLength: 2 })),
  map: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
})).map;

describe('patch properties', () => {
  it('a merge patch is idempotent', () => {
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const once = mergePatch(target, patch);
        assert.deepEqual(mergePatch(once, patch), once);
      }),
      { numRuns: 200 },
    );
  });

  it('a strategic merge patch without lists or directives is a merge patch', () => {
    const noLists = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, true, 1, 'x'), tie('map')),
      map: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
    })).map;
    fc.assert(
      fc.property(noLists, noLists, (target, patch) => {
        assert.deepEqual(strategicMerge(target, patch), mergePatch(target, patch));
      }),
      { numRuns: 200 },
    );
  });
});
