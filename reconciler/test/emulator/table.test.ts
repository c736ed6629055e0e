import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findResource } from '../../src/emulator/resources.ts';
import { humanDuration, toTable, wantsTable } from '../../src/emulator/table.ts';
import type { StoredObject } from '../../src/emulator/types.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();

describe('humanDuration', () => {
  it('renders like the API server', () => {
    const s = 1000;
    const cases: Array<[number, string]> = [
      [-5 * s, '<invalid>'],
      [59 * s, '59s'],
      [119 * s, '119s'],
      [150 * s, '2m30s'],
      [9 * 60 * s, '9m'],
      [90 * 60 * s, '90m'],
      [(5 * 60 + 7) * 60 * s, '5h7m'],
      [30 * 3600 * s, '30h'],
      [(3 * 24 + 5) * 3600 * s, '3d5h'],
      [40 * 24 * 3600 * s, '40d'],
      [(3 * 365 + 10) * 24 * 3600 * s, '3y10d'],
      [10 * 365 * 24 * 3600 * s, '10y'],
    ];
    for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, String(ms));
  });
});

describe('toTable', () => {
  it('detects a Table request in the Accept header', () => {
    assert.ok(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'));
    assert.ok(!wantsTable('application/json'));
  });

  it('prints Job status, completions and duration', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: iso(300_000) },
      spec: { completions: 3 },
      status: { succeeded: 3, startTime: iso(200_000), completionTime: iso(100_000), conditions: [{ type: 'Complete', status: 'True' }] },
    } as StoredObject;
    const table = toTable(findResource('batch', 'v1', 'jobs')!, [job], { now: NOW }) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { metadata: { name: string } } }> };
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age']);
    assert.deepEqual(table.rows[0].cells, ['j', 'Complete', '3/3', '100s', '5m']);
    assert.equal(table.rows[0].object.metadata.name, 'j');
  });

  it('prints pod readiness, container state reasons and restarts', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: iso(5_000) },
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 1 }, { ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    } as StoredObject;
    const table = toTable(findResource('', 'v1', 'pods')!, [pod], { now: NOW, includeColumns: false }) as { columnDefinitions: unknown[]; rows: Array<{ cells: unknown[] }> };
    assert.deepEqual(table.columnDefinitions, []);
    assert.deepEqual(table.rows[0].cells.slice(0, 5), ['p', '1/2', 'CrashLoopBackOff', '3', '5s']);
  });
});
