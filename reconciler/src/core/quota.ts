/**
 * Does a namespace's ResourceQuota leave room for a suspended Job to start? The Job object is
 * already counted (`count/jobs.batch` only has to stay within its limit); starting it creates
 * `min(parallelism, completions)` pods, each asking for its pod template's requests and limits.
 * A pod's amount follows the scheduler's rule: the sum over containers and sidecars (init
 * containers with `restartPolicy: Always`), at least the largest regular init container, plus
 * `overhead`; a request left unset takes the limit, as the API server defaults it. Quotas with
 * `scopes` or a `scopeSelector` apply to a subset of pods only and are not evaluated.
 */
import { arrayOf, dig, isRecord, numberOf, stringOf } from './kube.ts';
import { NANO, formatQuantity, parseQuantity } from './quantity.ts';
import type { KubeObject } from './types.ts';

type Resource = 'cpu' | 'memory';

/** The pods a Job starts with: `min(parallelism, completions)` (parallelism defaults to 1). */
export function initialPods(job: KubeObject): number {
  const parallelism = numberOf(dig(job, 'spec', 'parallelism')) ?? 1;
  const completions = numberOf(dig(job, 'spec', 'completions'));
  const n = completions === undefined ? parallelism : Math.min(parallelism, completions);
  return Math.max(0, Math.floor(n));
}

function containerAmount(container: unknown, kind: 'requests' | 'limits', resource: Resource): bigint {
  const limit = parseQuantity(dig(container, 'resources', 'limits', resource));
  const amount = kind === 'limits' ? limit : (parseQuantity(dig(container, 'resources', 'requests', resource)) ?? limit);
  return amount !== undefined && amount > 0n ? amount : 0n;
}

/** A pod template's effective `requests` or `limits` of one resource, in nano-units. */
export function podAmount(podSpec: unknown, kind: 'requests' | 'limits', resource: Resource): bigint {
  const inits = arrayOf(dig(podSpec, 'initContainers'));
  const sidecars = inits.filter((c) => dig(c, 'restartPolicy') === 'Always');
  const regular = inits.filter((c) => dig(c, 'restartPolicy') !== 'Always');
  let sum = 0n;
  for (const c of [...arrayOf(dig(podSpec, 'containers')), ...sidecars]) sum += containerAmount(c, kind, resource);
  let largestInit = 0n;
  for (const c of regular) {
    const amount = containerAmount(c, kind, resource);
    if (amount > largestInit) largestInit = amount;
  }
  const overhead = parseQuantity(dig(podSpec, 'overhead', resource)) ?? 0n;
  return (sum > largestInit ? sum : largestInit) + overhead;
}

/** What starting the Job adds to each quota resource name, in nano-units. */
export function jobDemand(job: KubeObject): Record<string, bigint> {
  const pods = BigInt(initialPods(job));
  const podSpec = dig(job, 'spec', 'template', 'spec');
  const requests = (r: Resource): bigint => podAmount(podSpec, 'requests', r) * pods;
  const limits = (r: Resource): bigint => podAmount(podSpec, 'limits', r) * pods;
  return {
    'requests.cpu': requests('cpu'),
    cpu: requests('cpu'),
    'requests.memory': requests('memory'),
    memory: requests('memory'),
    'limits.cpu': limits('cpu'),
    'limits.memory': limits('memory'),
    pods: pods * NANO,
    'count/pods': pods * NANO,
    'count/jobs.batch': 0n,
  };
}

function isScoped(quota: KubeObject): boolean {
  return arrayOf(dig(quota, 'spec', 'scopes')).length > 0 || isRecord(dig(quota, 'spec', 'scopeSelector'));
}

function shortfall(quotaName: string, resource: string, amounts: { need: bigint; hard: bigint; used: bigint }): string | undefined {
  const { need, hard, used } = amounts;
  if (used + need <= hard) return undefined;
  const left = hard > used ? hard - used : 0n;
  return `quota ${quotaName} ${resource}: needs ${formatQuantity(need)}, ${formatQuantity(left)} of ${formatQuantity(hard)} left`;
}

/** Why the namespace's quotas leave no room for the Job to start; empty when they do. */
export function quotaShortfalls(job: KubeObject, quotas: readonly KubeObject[]): string[] {
  const demand = jobDemand(job);
  const out: string[] = [];
  for (const quota of quotas) {
    if (isScoped(quota)) continue;
    const name = stringOf(dig(quota, 'metadata', 'name')) ?? 'unnamed';
    for (const [resource, need] of Object.entries(demand)) {
      const hard = parseQuantity(dig(quota, 'status', 'hard', resource));
      if (hard === undefined) continue;
      const used = parseQuantity(dig(quota, 'status', 'used', resource)) ?? 0n;
      const why = shortfall(name, resource, { need, hard, used });
      if (why) out.push(why);
    }
  }
  return out;
}
