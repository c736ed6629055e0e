/**
 * Reruns of stuck Jobs: a new Job from the stuck Job's spec, with a deterministic name so at most
 * one rerun ever exists (the API server refuses a second create of the same name, and `decide` does
 * not even try once the cache shows the rerun). A rerun is never rerun again, and a Job with a
 * manual selector is not rerun (the copy's pods would match the original's selector).
 */
import { ENFORCED_ANNOTATION } from 'cdk8s-batch/rules';
import { CONTROLLER_UID_LABELS, JOB_NAME_LABELS, NON_COPIED_ANNOTATIONS, RERUN_OF_ANNOTATION } from './annotations.ts';
import { annotationsOf, cloneJson, dig, fitName, isRecord, labelsOf, numberOf, stringOf } from './kube.ts';
import type { KubeObject } from './types.ts';

type OwnerReference = NonNullable<NonNullable<KubeObject['metadata']>['ownerReferences']>[number];

const GENERATED_LABELS = [...CONTROLLER_UID_LABELS, ...JOB_NAME_LABELS];

/**
 * The name of a Job's rerun: `<name>-rerun-1`, cut to fit 63 characters (and, for an Indexed
 * Job, to leave room for the `-<index>` pod hostnames).
 */
export function rerunName(job: KubeObject): string {
  const name = stringOf(dig(job, 'metadata', 'name')) ?? 'job';
  const completions = numberOf(dig(job, 'spec', 'completions'));
  const indexed = dig(job, 'spec', 'completionMode') === 'Indexed' && completions !== undefined && completions > 0;
  const max = indexed ? 63 - String(completions - 1).length - 1 : 63;
  return fitName(name, '-rerun-1', max);
}

/** True when `candidate` is the rerun of `job` (by name or by its rerun-of annotation). */
export function isRerunOf(candidate: KubeObject, job: KubeObject): boolean {
  if (dig(candidate, 'metadata', 'name') === rerunName(job)) return true;
  return annotationsOf(candidate)[RERUN_OF_ANNOTATION] === dig(job, 'metadata', 'name');
}

/** Why the Job must not be rerun automatically, or `undefined` when it may. */
export function rerunBlocker(job: KubeObject, existing: readonly KubeObject[]): string | undefined {
  if (RERUN_OF_ANNOTATION in annotationsOf(job)) return 'it is itself a rerun';
  if (dig(job, 'spec', 'manualSelector') === true) return 'it uses a manual selector';
  const found = existing.find((j) => isRerunOf(j, job));
  if (found) return `its rerun ${String(dig(found, 'metadata', 'name'))} exists`;
  return undefined;
}

function withoutGenerated(labels: Record<string, string>): Record<string, string> {
  for (const key of GENERATED_LABELS) delete labels[key];
  return labels;
}

/**
 * An owner reference of the rerun. `blockOwnerDeletion` stays only on a CronJob owner: setting it
 * needs `update` on the owner's `finalizers` (OwnerReferencesPermissionEnforcement), which the
 * reconciler holds for CronJobs only.
 */
function copiedOwner(owner: unknown): OwnerReference {
  const copy = cloneJson(owner) as OwnerReference;
  if (!isRecord(copy) || copy.blockOwnerDeletion === undefined) return copy;
  if (copy.kind === 'CronJob' && typeof copy.apiVersion === 'string' && copy.apiVersion.startsWith('batch/')) return copy;
  delete copy.blockOwnerDeletion;
  return copy;
}

/** The manifest of the rerun: the spec without selector and generated labels, pointing at the original. */
export function rerunManifest(job: KubeObject, namespace: string): KubeObject {
  const spec = isRecord(job.spec) ? cloneJson(job.spec) : {};
  delete spec.selector;
  if (isRecord(spec.template) && isRecord(spec.template.metadata)) {
    spec.template.metadata.labels = withoutGenerated(labelsOf(spec.template));
  }
  const annotations = annotationsOf(job);
  for (const key of [...NON_COPIED_ANNOTATIONS, ENFORCED_ANNOTATION]) delete annotations[key];
  annotations[RERUN_OF_ANNOTATION] = stringOf(dig(job, 'metadata', 'name')) ?? '';
  const owners = dig(job, 'metadata', 'ownerReferences');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: rerunName(job),
      namespace,
      labels: withoutGenerated(labelsOf(job)),
      annotations,
      ...(Array.isArray(owners) ? { ownerReferences: owners.map(copiedOwner) } : {}),
    },
    spec,
  };
}
