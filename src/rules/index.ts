// The pure rules engine, importable without cdk8s as `cdk8s-batch/rules`.
//
// Runtime values are re-exported by name, never with `export *`: the reconciler (an ES
// module) imports this CommonJS module, and Node only sees named exports it can detect
// statically. `reconciler/test/rules-exports.test.ts` fails when a runtime export is missing.
export * from './types';
export {
  SUPPORTED_VERSIONS,
  DEFAULT_KUBERNETES_VERSION,
  UnsupportedVersionError,
  parseVersion,
  formatVersion,
  compareVersions,
  versionInRange,
} from './versions';
export { batchKindOf, misplacedBatchKind, validate, evaluate, formatViolation } from './engine';
export { recordedKubernetesVersion } from './recorded-version';
export type { RecordedVersion } from './recorded-version';
export { RULES, RULE_CODES } from './table';
export { DESCRIPTORS, parseGoDuration } from './cron';
export {
  CLUSTER_FINDINGS,
  JOB_STUCK,
  CRONJOB_NOT_SCHEDULING,
  ORPHANED_POD,
  FINISHED_JOB_EXPIRED,
  ADMISSION_GATE_HELD,
  RULES_ENGINE_FAILED,
  KUBERNETES_VERSION_MISMATCH,
  ADMISSION_GATE_RELEASED,
  RECONCILER_ACTIONS,
} from './cluster-findings';
export type { ClusterFinding, ReconcilerAction } from './cluster-findings';
export type { EvaluateMode } from './engine';
export {
  applyDefaults,
  prepareForCreate,
  dropDisabledJobFields,
  MAX_INT32,
  JOB_NAME_LABEL,
  LEGACY_JOB_NAME_LABEL,
  CONTROLLER_UID_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
} from './defaults';
export type { PrepareOptions } from './defaults';
export { validateUpdate, JOB_SPEC_MUTABILITY, MUTABLE_SCHEDULING_DIRECTIVES, isMutableJobSpecPath } from './update';
export type { JobSpecMutability, JobSpecFieldMutability, JobUpdateState } from './update';
export { jsonEqual } from './job-update.rules';
export { JOB_FIELD_AVAILABILITY } from './features.rules';
export { validateStatusUpdate, STATUS_CODES } from './job-status';
export type { FieldAvailability } from './features.rules';
export {
  PATTERN_ANNOTATION,
  KUBERNETES_VERSION_ANNOTATION,
  PATTERNS,
  GATE_ANNOTATION,
  GATE_PENDING,
  GATE_RELEASED,
  ENFORCED_ANNOTATION,
  KUEUE_QUEUE_LABEL,
  SANDBOX_DURATION_ANNOTATION,
  SANDBOX_FAILURE_RATE_ANNOTATION,
  SANDBOX_EXIT_CODE_ANNOTATION,
  SANDBOX_FAIL_INDEXES_ANNOTATION,
  SANDBOX_FAIL_AFTER_ANNOTATION,
} from './annotations';
