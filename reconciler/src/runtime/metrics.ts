/**
 * Prometheus metrics on a dedicated prom-client `Registry` (never the global one, so several
 * controllers can run in one process, e.g. in tests and the sandbox).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Violation } from 'cdk8s-batch/rules';

const PREFIX = 'cdk8s_batch_reconciler_';

export interface MetricsSources {
  /** Current violations and findings of every object in the cache. */
  readonly violations: () => Iterable<readonly Violation[]>;
  /** Keys waiting in the work queue. */
  readonly queueDepth: () => number;
}

export class ReconcilerMetrics {
  readonly registry = new Registry();
  readonly actions: Counter<'type' | 'outcome'>;
  readonly reconcileDuration: Histogram<'kind'>;
  readonly watchRestarts: Counter<'kind' | 'reason'>;
  readonly apiErrors: Counter<'kind' | 'error'>;
  readonly leader: Gauge;
  readonly degraded: Gauge<'resource'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    new Gauge({
      name: `${PREFIX}violations`,
      help: 'Current rule violations and cluster findings on objects in scope, by code and severity',
      labelNames: ['code', 'severity'],
      registers,
      collect(): void {
        this.reset();
        for (const list of sources.violations()) {
          for (const v of list) this.inc({ code: v.code, severity: v.severity });
        }
      },
    });
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Keys waiting in the work queue',
      registers,
      collect(): void {
        this.set(sources.queueDepth());
      },
    });
    this.actions = new Counter({ name: `${PREFIX}actions_total`, help: 'Actions executed, by type and outcome', labelNames: ['type', 'outcome'], registers });
    this.reconcileDuration = new Histogram({
      name: `${PREFIX}reconcile_duration_seconds`,
      help: 'Time to reconcile one key (decide and act)',
      labelNames: ['kind'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.watchRestarts = new Counter({ name: `${PREFIX}watch_restarts_total`, help: 'Watch streams restarted, by kind and reason', labelNames: ['kind', 'reason'], registers });
    this.apiErrors = new Counter({ name: `${PREFIX}api_errors_total`, help: 'Failed API calls, by resource kind and error kind', labelNames: ['kind', 'error'], registers });
    this.leader = new Gauge({ name: `${PREFIX}leader`, help: '1 while this instance is the leader (or runs without leader election)', registers });
    this.degraded = new Gauge({
      name: `${PREFIX}degraded`,
      help: '1 while an auxiliary resource (nodes, resourcequotas) cannot be listed and the checks that need it are off',
      labelNames: ['resource'],
      registers,
    });
    for (const resource of ['nodes', 'resourcequotas']) this.degraded.set({ resource }, 0);
  }
}
