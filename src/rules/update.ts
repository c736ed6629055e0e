/**
 * Job update rules (section 3 of the batch rules research): the mutability table of Job spec
 * fields as data, a helper that answers "may this path change now?", and `validateUpdate`,
 * which runs every create rule on the new object (R086) plus the immutability rules
 * (R087–R097). The reconciler uses the table to fix only mutable fields; the API emulator uses
 * `validateUpdate` to answer 422 `field is immutable`.
 */
import { evaluate } from './engine';
import { ValidateOptions, Violation } from './types';
import { DEFAULT_KUBERNETES_VERSION, parseVersion } from './versions';

/** How a Job spec field behaves on update. */
export type JobSpecMutability =
  /** may change at any time (still re-checked by the create rules) */
  | 'mutable'
  /** may never change */
  | 'immutable'
  /** Indexed Jobs only, and only when the new completions equals the new parallelism (elastic Indexed Jobs) */
  | 'mutableInTandemWithParallelism'
  /**
   * immutable, except the scheduling directives while the Job is suspended and has never started;
   * from 1.36 also the containers' resources, and also after a start once the Job is marked
   * Suspended with no active pods
   */
  | 'immutableExceptSchedulingDirectives';

/** One row of the mutability table. */
export interface JobSpecFieldMutability {
  /** Field name under the Job spec. */
  readonly field: string;
  readonly mutability: JobSpecMutability;
  /** What to know when changing it. */
  readonly note: string;
}

/** The mutability of every batch/v1 JobSpec field (section 3.1), the same on 1.28–1.37 but for the template (see `immutableExceptSchedulingDirectives`). */
export const JOB_SPEC_MUTABILITY: readonly JobSpecFieldMutability[] = [
  { field: 'parallelism', mutability: 'mutable', note: 'at most 100000 when Indexed; 0 pauses the Job' },
  { field: 'completions', mutability: 'mutableInTandemWithParallelism', note: 'NonIndexed: immutable; Indexed: may change only to the new parallelism (ElasticIndexedJob)' },
  { field: 'activeDeadlineSeconds', mutability: 'mutable', note: 'lowering it can fail a running Job at once (DeadlineExceeded)' },
  { field: 'backoffLimit', mutability: 'mutable', note: '' },
  { field: 'backoffLimitPerIndex', mutability: 'immutable', note: '' },
  { field: 'maxFailedIndexes', mutability: 'mutable', note: 'still at most completions' },
  { field: 'ttlSecondsAfterFinished', mutability: 'mutable', note: '' },
  { field: 'suspend', mutability: 'mutable', note: 'true → false resets status.startTime and with it the activeDeadlineSeconds timer' },
  { field: 'podReplacementPolicy', mutability: 'mutable', note: 'must stay Failed while a podFailurePolicy is set' },
  { field: 'manualSelector', mutability: 'mutable', note: 'no immutability check, but true → false re-checks the selector against the generated one' },
  { field: 'selector', mutability: 'immutable', note: '' },
  { field: 'completionMode', mutability: 'immutable', note: '' },
  { field: 'podFailurePolicy', mutability: 'immutable', note: 'the whole policy, including adding or removing it' },
  { field: 'successPolicy', mutability: 'immutable', note: 'including adding or removing it' },
  { field: 'managedBy', mutability: 'immutable', note: 'including adding or removing it' },
  { field: 'template', mutability: 'immutableExceptSchedulingDirectives', note: 'see MUTABLE_SCHEDULING_DIRECTIVES; from 1.36 also containers[*].resources and initContainers[*].resources while suspended with no active pods' },
];

/**
 * The template paths (under the Job spec) that may change while the Job is suspended and has
 * never started (R097, "mutable scheduling directives"). Of `affinity`, only `nodeAffinity`.
 */
export const MUTABLE_SCHEDULING_DIRECTIVES: readonly string[] = [
  'template.metadata.labels',
  'template.metadata.annotations',
  'template.spec.nodeSelector',
  'template.spec.tolerations',
  'template.spec.schedulingGates',
  'template.spec.affinity.nodeAffinity',
];

/** The state of a stored Job that decides what may change. */
export interface JobUpdateState {
  /** The stored Job has `spec.suspend: true`. */
  readonly suspended?: boolean;
  /** The stored Job has `status.startTime` (it has started at least once). */
  readonly started?: boolean;
  /** The Job is Indexed (completions may then change in tandem with parallelism). */
  readonly indexed?: boolean;
}

/**
 * Whether the Job spec field at `path` (`spec.parallelism`, `ttlSecondsAfterFinished`,
 * `spec.template.spec.nodeSelector`, …) may be changed on a Job in `state`. `completions`
 * answers `true` only for Indexed Jobs, and then only together with parallelism. Unknown
 * paths answer `false`.
 */
export function isMutableJobSpecPath(path: string, state: JobUpdateState = {}): boolean {
  const rel = path.replace(/^spec\./, '').replace(/\[[^\]]*\]/g, (m) => `.${m.slice(1, -1)}`);
  const top = rel.split('.')[0];
  const row = JOB_SPEC_MUTABILITY.find((r) => r.field === top);
  if (!row) return false;
  switch (row.mutability) {
    case 'mutable': return true;
    case 'immutable': return false;
    case 'mutableInTandemWithParallelism': return state.indexed === true;
    case 'immutableExceptSchedulingDirectives':
      return state.suspended === true && state.started !== true &&
        MUTABLE_SCHEDULING_DIRECTIVES.some((d) => rel === d || rel.startsWith(`${d}.`));
  }
}

/**
 * The violations of replacing the stored `oldManifest` with `newManifest`: every create rule on
 * the new object (with the stored selector and labels it carries) plus the update rules.
 * Objects of other kinds, or an old object of another kind, get the create rules only.
 * Throws `UnsupportedVersionError` for an unusable `kubernetesVersion`.
 */
export function validateUpdate(oldManifest: unknown, newManifest: unknown, options: ValidateOptions = {}): Violation[] {
  const version = parseVersion(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  const out = evaluate(newManifest, version, { operation: 'update', oldObject: oldManifest });
  return options.minSeverity === 'error' ? out.filter((v) => v.severity === 'error') : out;
}
