import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bar, formatDuration, jobRow, renderJobLine, renderSummary } from '../../src/sandbox/progress.ts';

const job = (over: Record<string, unknown> = {}, status: Record<string, unknown> = {}): Record<string, unknown> & { spec: Record<string, unknown> } => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'render', namespace: 'default', annotations: { 'batch.cdk8s.io/pattern': 'IndexedJob' } },
  spec: { completions: 4, parallelism: 2, ...over },
  status,
});

describe('sandbox progress', () => {
  it('derives a running row from status', () => {
    const row = jobRow(job({}, { startTime: '2026-01-01T00:00:00Z', active: 2, succeeded: 1 }));
    assert.equal(row.phase, 'Running');
    assert.equal(row.pattern, 'IndexedJob');
    assert.equal(row.succeeded, 1);
    assert.equal(row.active, 2);
    assert.equal(row.completions, 4);
  });

  it('takes the phase and reason from the finishing condition', () => {
    const row = jobRow(
      job({}, {
        startTime: '2026-01-01T00:00:00Z',
        failed: 3,
        conditions: [{ type: 'Failed', status: 'True', reason: 'PodFailurePolicy', lastTransitionTime: '2026-01-01T00:01:30Z' }],
      }),
    );
    assert.equal(row.phase, 'Failed');
    assert.equal(row.reason, 'PodFailurePolicy');
    assert.equal(row.elapsedMs, 90_000);
    assert.equal(formatDuration(row.elapsedMs), '1m30s');
  });

  it('shows suspended and pending Jobs', () => {
    assert.equal(jobRow(job({ suspend: true })).phase, 'Suspended');
    assert.equal(jobRow(job()).phase, 'Pending');
  });

  it('draws the bar from succeeded completions and fills it when complete', () => {
    assert.equal(bar(jobRow(job({}, { succeeded: 2 })), 8), '[████░░░░]');
    const done = jobRow(job({ completions: undefined }, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }));
    assert.equal(bar(done, 4), '[████]');
  });

  it('renders a bar only on a terminal', () => {
    const row = jobRow(job({}, { startTime: '2026-01-01T00:00:00Z', succeeded: 1 }));
    assert.match(renderJobLine(row, { tty: true, nameWidth: 8 }), /\[█+░+\] succeeded 1\/4/);
    assert.doesNotMatch(renderJobLine(row, { tty: false, nameWidth: 8 }), /█/);
  });

  it('summarises Jobs in a table with a row each', () => {
    const text = renderSummary([jobRow(job({}, { succeeded: 4, conditions: [{ type: 'Complete', status: 'True' }] }))]);
    const lines = text.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^JOB\s+PATTERN/);
    // a Complete condition without a reason (Kubernetes before 1.31) shows '-' in the REASON column
    assert.match(lines[2], /^render\s+IndexedJob\s+Complete\s+-\s+4\/4/);
  });
});
