/**
 * Core types of the rules engine. Plain data only: the engine works on batch/v1
 * JSON as the API server receives it, with no cdk8s, no I/O and no clock.
 */
import type { ShapeProblem } from './job-shape';

/** `error`: the API server would reject it, or it cannot behave as written. `warning`: hygiene and misconceptions. */
export type Severity = 'error' | 'warning';

/** The kinds the engine evaluates. Every other kind gets an empty list. */
export type BatchKind = 'Job' | 'CronJob';

/** One finding of the engine, in the shape shared by synth, `check` and the reconciler. */
export interface Violation {
  /** Stable UpperCamelCase code; also the Kubernetes Event `reason` the reconciler emits. */
  readonly code: string;
  readonly severity: Severity;
  /** Dotted field path as the API server names it, e.g. `spec.template.spec.restartPolicy`. */
  readonly path: string;
  /** `<field.path> <what is wrong> (got <value>)`. */
  readonly message: string;
  /** One clause saying how to fix it. */
  readonly fix: string;
}

/** A Kubernetes minor version, e.g. `{ major: 1, minor: 31 }`. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
}

/** Where a rule applies. */
export type RuleScope =
  /** any batch object, Job or CronJob (e.g. the JSON type layer) */
  | 'Object'
  /** the whole Job object (metadata, spec, template) */
  | 'Job'
  /** the whole CronJob object (metadata, schedule, jobTemplate metadata) */
  | 'CronJob'
  /**
   * a Job spec, wherever it appears: `spec` of a Job and `spec.jobTemplate.spec` of a CronJob.
   * The rule reads `ctx.jobSpec` and builds paths with `ctx.at('parallelism')`.
   */
  | 'JobSpec';

/** What a rule's check returns for one problem. The engine adds code, severity and formatting. */
export interface Finding {
  /** Full dotted path of the offending field (use `ctx.at(...)` for Job spec paths). */
  readonly path: string;
  /** What is wrong, without the path and without the value, e.g. `must be greater than or equal to 0`. */
  readonly problem: string;
  /** The value received; rendered as `(got <value>)`. Omit when nothing was received (a required field). */
  readonly got?: unknown;
  /** Overrides the rule's fix for this finding when a more specific one is known. */
  readonly fix?: string;
}

/** What a rule sees. */
export interface RuleContext {
  /** The object after the API server's defaulting for this kind and version (see `defaults.ts`). */
  readonly object: any;
  /**
   * The object as submitted (minus fields with a wrong JSON type, which `FieldTypeInvalid` reports
   * once, and `null`s, which mean unset). Use it for "was this field set by the user?" questions.
   */
  readonly original: any;
  readonly kind: BatchKind;
  readonly version: KubeVersion;
  /** For `JobSpec` rules: the (defaulted) Job spec being checked; `{}` when missing. */
  readonly jobSpec: any;
  /** For `JobSpec` rules: the Job spec exactly as submitted; `{}` when missing. */
  readonly originalJobSpec: any;
  /** For `JobSpec` rules: the metadata that names the Job (the Job's or the CronJob's jobTemplate's). */
  readonly jobMetadata: any;
  /** For `JobSpec` rules: `true` inside a CronJob's `spec.jobTemplate`. */
  readonly inTemplate: boolean;
  /** Prefix for Job spec paths: `spec` or `spec.jobTemplate.spec`. */
  readonly specPath: string;
  /**
   * The object exactly as received, before the JSON type layer removed wrongly typed fields from
   * `original` and `object`. Only the type layer should need it.
   */
  readonly raw?: unknown;
  /** The JSON type layer's findings on `raw`, computed once by the engine (the type rules report them). */
  readonly shapeProblems?: readonly ShapeProblem[];
  /** `create` (the default) or `update`. */
  readonly operation?: Operation;
  /** On `update`: the stored object being replaced, after defaulting; `undefined` on create. */
  readonly oldObject?: any;
  /** Builds a path under the Job spec: `at('podFailurePolicy', 'rules', 0)` → `spec.podFailurePolicy.rules[0]`. */
  at(...segments: Array<string | number>): string;
  /**
   * `compute(this)` once per evaluation and `key`, for work several rules share (e.g. the pod's
   * container list). Pass a module-level function, so that no closure is made per call.
   */
  memo<T>(key: string, compute: (ctx: RuleContext) => T): T;
}

/** The API request the rules are checked for. */
export type Operation = 'create' | 'update';

/**
 * The documented ways a rule's verdict may differ from the API server's:
 * - `dropped-field`: the server accepts the object and silently drops the field (its feature gate
 *   is off on that version), which changes what the Job does; the rule reports an error.
 * - `decode-reports-all`: on a body that fails JSON decoding the server reports only the first
 *   wrongly typed field (its Go path, without list indexes or map keys) and runs no validation;
 *   the engine reports every wrongly typed field at its full path and the other rules' findings
 *   too. Both reject.
 * - `cronjob-template`: the server accepts the CronJob but every Job it creates would be rejected;
 *   reported as a warning on the CronJob.
 */
export type Departure = 'dropped-field' | 'decode-reports-all' | 'cronjob-template' | 'type-meta';

/** One row of the rules table. */
export interface Rule {
  /** Stable UpperCamelCase code. Never renamed. */
  readonly code: string;
  readonly severity: Severity;
  readonly scope: RuleScope;
  /** The field path the rule is about, relative to the object (Job spec rules: as on a Job, `spec.…`). For docs. */
  readonly path: string;
  /** First Kubernetes minor version the rule holds for, e.g. `'1.28'`. Omitted: every supported version. */
  readonly since?: string;
  /**
   * For a Job spec rule on a CronJob's job template: the first version it holds for there, when
   * earlier than `since`. Before its feature is on, the server drops the field from a Job but keeps
   * and validates it in a CronJob's template (recorded on the real 1.28 server).
   */
  readonly templateSince?: string;
  /** Last Kubernetes minor version the rule holds for. Omitted: up to the latest supported version. */
  readonly until?: string;
  /** One sentence for docs/rules.md: what the rule requires. */
  readonly summary: string;
  /** The default fix clause. */
  readonly fix: string;
  /** Where the rule comes from: `API server` (parity), `pattern`, `hygiene` or `misconception`. */
  readonly source: 'API server' | 'pattern' | 'hygiene' | 'misconception';
  /**
   * Set when the rule can disagree with the API server's verdict on purpose (see `Departure`);
   * every other error-level rule reports exactly what the server rejects, at the server's path.
   */
  readonly departure?: Departure;
  /** `true` when the API server checks the rule on create only (e.g. the CronJob name length). */
  readonly createOnly?: boolean;
  /** `true` for rules about changing a stored object (immutability); they read `ctx.oldObject`. */
  readonly updateOnly?: boolean;
  /** Returns the problems found; never throws on any JSON input. */
  check(ctx: RuleContext): readonly Finding[];
}

/** Options of `validate`. */
export interface ValidateOptions {
  /** Target Kubernetes minor version, e.g. `"1.31"`. */
  readonly kubernetesVersion?: string;
  /** Only warnings of at least this severity; `error` drops warnings. Default: every violation. */
  readonly minSeverity?: Severity;
}
