import { applyDefaults, defaultedView, dropFailIndexRules } from './defaults';
import { ShapeProblem, checkObject } from './job-shape';
import { isObject, path, renderValue } from './json';
import { RULES } from './table';
import { presentTriggers, triggerOf } from './triggers';
import { BatchKind, Finding, KubeVersion, Operation, Rule, RuleContext, ValidateOptions, Violation } from './types';
import { DEFAULT_KUBERNETES_VERSION, parseVersion, versionInRange } from './versions';

/** The batch kinds the engine evaluates (`batch/v1` Job and CronJob), or `undefined` for anything else. */
export function batchKindOf(manifest: unknown): BatchKind | undefined {
  if (!isObject(manifest) || manifest.apiVersion !== 'batch/v1') return undefined;
  return manifest.kind === 'Job' || manifest.kind === 'CronJob' ? manifest.kind : undefined;
}

/**
 * A Job or CronJob under a group version that does not serve it: the core group (`v1`),
 * `batch/v1beta1` (CronJob, removed in 1.25), `batch/v2alpha1`, another `batch/` version,
 * `extensions/` or `apps/`, or no apiVersion at all; or an object of apiVersion batch/v1 whose
 * kind is missing or not exactly Job or CronJob (the kind it stands for is returned). `validate`
 * reports it (`ApiVersionUnsupported`, `ApiVersionMissing`, `KindMissing`, `KindUnknown`) rather
 * than skipping it. Kinds named Job of other API groups (e.g. `batch.volcano.sh/v1alpha1`) are
 * not batch kinds and give `undefined`.
 */
export function misplacedBatchKind(manifest: unknown): BatchKind | undefined {
  if (!isObject(manifest)) return undefined;
  const apiVersion = manifest.apiVersion;
  if (apiVersion === 'batch/v1') return manifest.kind === 'Job' || manifest.kind === 'CronJob' ? undefined : lookalikeKind(manifest);
  if (manifest.kind !== 'Job' && manifest.kind !== 'CronJob') return undefined;
  if (typeof apiVersion !== 'string' || !apiVersion.includes('/') || /^(batch|extensions|apps)\//.test(apiVersion)) return manifest.kind;
  return undefined;
}

/**
 * The batch kind an object of apiVersion batch/v1 with a missing or wrongly spelled kind stands
 * for: its kind read without case (`job`, `CRONJOB`), else CronJob when its spec has a schedule
 * or a job template, else Job.
 */
function lookalikeKind(manifest: Record<string, any>): BatchKind {
  const k = typeof manifest.kind === 'string' ? manifest.kind.toLowerCase() : '';
  if (k === 'job') return 'Job';
  if (k === 'cronjob') return 'CronJob';
  const spec = manifest.spec;
  return isObject(spec) && (spec.schedule !== undefined || spec.jobTemplate !== undefined) ? 'CronJob' : 'Job';
}

/**
 * Evaluates every rule that applies to `manifest` on the target Kubernetes version and
 * returns all violations, in table order. Objects of other kinds get an empty list.
 *
 * Throws `UnsupportedVersionError` for an unusable `kubernetesVersion` (an argument error).
 */
export function validate(manifest: unknown, options: ValidateOptions = {}): Violation[] {
  const version = parseVersion(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  const out = evaluate(manifest, version, { operation: 'create' });
  return options.minSeverity === 'error' ? out.filter((v) => v.severity === 'error') : out;
}

/** How `evaluate` runs: for a create, or for an update of `oldObject`. */
export interface EvaluateMode {
  readonly operation: Operation;
  /** The stored object an update replaces. */
  readonly oldObject?: unknown;
}

/**
 * The engine's core: the JSON type layer, then defaulting, then every rule of the table that
 * applies to the kind, the version and the operation. `validate` and `validateUpdate` call it.
 */
export function evaluate(manifest: unknown, version: KubeVersion, mode: EvaluateMode): Violation[] {
  return run(manifest, version, mode, true);
}

/**
 * `evaluate` that runs every rule, also those whose trigger fields are absent (`triggers.ts`):
 * the reference the skips are tested against. Not part of the public API.
 */
export function evaluateEveryRule(manifest: unknown, version: KubeVersion, mode: EvaluateMode): Violation[] {
  return run(manifest, version, mode, false);
}

function run(manifest: unknown, version: KubeVersion, mode: EvaluateMode, skip: boolean): Violation[] {
  const kind = batchKindOf(manifest);
  if (!kind) return misplaced(manifest, version, mode);
  const shape = checkObject(manifest, kind, version);
  const clean = shape.clean as any;
  const object = defaulted(kind, shape, version);
  if (kind === 'Job' && !versionInRange(version, '1.29') && !(mode.operation === 'update' && perIndexInUse(mode.oldObject))) {
    // The server removes FailIndex rules before it validates the rest, so later rules' indexes shift.
    if (isObject(object.spec)) dropFailIndexRules(object.spec);
  }
  const oldKind = batchKindOf(mode.oldObject);
  const oldObject = oldKind === kind ? defaulted(kind, checkObject(mode.oldObject, kind, version), version) : undefined;
  const extra = { raw: manifest, shapeProblems: shape.problems, operation: mode.operation, oldObject };
  // Every scope a kind's rules have (Object, Job or CronJob, JobSpec) reads the same context.
  const ctx = buildContext(kind, clean, object, version, extra);
  const out: Violation[] = [];
  const { rules, checks, triggers } = rulesFor(version, kind, mode.operation);
  // The trigger fields the Job spec has: a rule that needs one runs only when it is set.
  const present = skip ? presentTriggers(ctx.jobSpec, ctx.originalJobSpec) : undefined;
  for (let r = 0; r < checks.length; r++) {
    const trigger = triggers[r];
    if (trigger >= 0 && present !== undefined && !present[trigger]) continue;
    const found = checks[r](ctx);
    if (found.length === 0) continue;
    const rule = rules[r];
    for (let i = 0; i < found.length; i++) out.push(toViolation(rule, found[i]));
  }
  return out;
}

/**
 * The object after defaulting, as `applyDefaults` returns it. Rules only read it, so when the
 * decoded object is plain JSON data (nearly always) only the parts defaulting writes are copied.
 */
function defaulted(kind: BatchKind, shape: { clean: unknown; plain: boolean }, version: KubeVersion): any {
  return shape.plain ? defaultedView(kind, shape.clean, version) : applyDefaults(kind, shape.clean, version);
}

/** Whether a stored Job uses per-index back-off (the server then keeps FailIndex rules with the gate off). */
function perIndexInUse(old: unknown): boolean {
  const spec = isObject(old) && isObject(old.spec) ? old.spec : undefined;
  if (!spec) return false;
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) return true;
  const rules = isObject(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules) ? spec.podFailurePolicy.rules : [];
  return rules.some((r: unknown) => isObject(r) && r.action === 'FailIndex');
}

/** The one violation of a batch kind under the wrong group version: nothing else can be checked, the server never routes it. */
function misplaced(manifest: unknown, version: KubeVersion, mode: EvaluateMode): Violation[] {
  const kind = misplacedBatchKind(manifest);
  if (!kind) return [];
  const ctx = new Context(kind, version, manifest, manifest, {}, {}, {}, false, 'spec', {
    raw: manifest,
    shapeProblems: [],
    operation: mode.operation,
    oldObject: undefined,
  });
  return TYPE_RULES.flatMap((rule) => rule.check(ctx).map((f) => toViolation(rule, f)));
}

/** The rules for a batch kind under the wrong group version, without one, or with a wrong kind; each guards itself. */
const TYPE_RULES = ['ApiVersionUnsupported', 'ApiVersionMissing', 'KindMissing', 'KindUnknown'].map((code) => RULES.find((r) => r.code === code)!);

const SCOPES_OF: Record<BatchKind, ReadonlySet<Rule['scope']>> = {
  Job: new Set<Rule['scope']>(['Object', 'Job', 'JobSpec']),
  CronJob: new Set<Rule['scope']>(['Object', 'CronJob', 'JobSpec']),
};

/**
 * The rules that apply to a kind, version and operation, in table order, with their check
 * functions and triggers (`triggerOf` in `triggers.ts`, `-1` for a rule that always runs) side by side.
 */
interface RuleList {
  readonly rules: readonly Rule[];
  readonly checks: ReadonlyArray<Rule['check']>;
  readonly triggers: readonly number[];
}

/** The lists computed once per combination. */
const applicable = new Map<string, RuleList>();

/** The same lists looked up by the version object (`parseVersion` returns one per version), without building a key. */
const applicableByVersion = new WeakMap<KubeVersion, Array<RuleList | undefined>>();

function rulesFor(version: KubeVersion, kind: BatchKind, operation: Operation): RuleList {
  let lists = applicableByVersion.get(version);
  if (!lists) {
    lists = [];
    applicableByVersion.set(version, lists);
  }
  const slot = (kind === 'Job' ? 0 : 2) + (operation === 'create' ? 0 : 1);
  let list = lists[slot];
  if (!list) {
    list = rulesForKey(version, kind, operation);
    lists[slot] = list;
  }
  return list;
}

function rulesForKey(version: KubeVersion, kind: BatchKind, operation: Operation): RuleList {
  const key = `${version.major}.${version.minor}/${kind}/${operation}`;
  let list = applicable.get(key);
  if (!list) {
    const rules = RULES.filter(
      (rule) =>
        SCOPES_OF[kind].has(rule.scope) &&
        versionInRange(version, kind === 'CronJob' && rule.templateSince !== undefined ? rule.templateSince : rule.since, rule.until) &&
        !(rule.createOnly && operation !== 'create') &&
        !(rule.updateOnly && operation !== 'update'),
    );
    list = { rules, checks: rules.map((rule) => rule.check), triggers: rules.map((rule) => triggerOf(rule.code)) };
    applicable.set(key, list);
  }
  return list;
}

/** `<Code>: <field.path> <what is wrong> (got <value>); <fix>` — the one format used at synth, in `check` and in Events. */
export function formatViolation(v: Violation): string {
  return `${v.code}: ${v.message}; ${v.fix}`;
}

function toViolation(rule: Rule, f: Finding): Violation {
  const got = 'got' in f ? ` (got ${renderValue(f.got)})` : '';
  return {
    code: rule.code,
    severity: rule.severity,
    path: f.path,
    message: `${f.path} ${f.problem}${got}`,
    fix: f.fix ?? rule.fix,
  };
}

interface Extra {
  raw: unknown;
  shapeProblems: readonly ShapeProblem[];
  operation: Operation;
  oldObject: any;
}

function buildContext(kind: BatchKind, original: any, object: any, version: RuleContext['version'], extra: Extra): Context {
  if (kind === 'Job') return new Context(kind, version, object, original, object.spec, original.spec, object.metadata, false, 'spec', extra);
  const template = isObject(object.spec) ? object.spec.jobTemplate : undefined;
  const originalTemplate = isObject(original.spec) ? original.spec.jobTemplate : undefined;
  return new Context(
    kind,
    version,
    object,
    original,
    isObject(template) ? template.spec : undefined,
    isObject(originalTemplate) ? originalTemplate.spec : undefined,
    isObject(template) ? template.metadata : undefined,
    true,
    'spec.jobTemplate.spec',
    extra,
  );
}

/**
 * The one shape every rule context has (a class, so that the hundred rules reading it see a
 * single hidden class and property reads stay fast).
 */
class Context implements RuleContext {
  readonly jobSpec: any;
  readonly originalJobSpec: any;
  readonly jobMetadata: any;
  readonly raw: unknown;
  readonly shapeProblems: readonly ShapeProblem[];
  readonly operation: Operation;
  readonly oldObject: any;
  private memos: Map<string, unknown> | undefined = undefined;

  constructor(
    readonly kind: BatchKind,
    readonly version: KubeVersion,
    readonly object: any,
    readonly original: any,
    jobSpec: unknown,
    originalJobSpec: unknown,
    jobMetadata: unknown,
    readonly inTemplate: boolean,
    readonly specPath: string,
    extra: Extra,
  ) {
    this.jobSpec = isObject(jobSpec) ? jobSpec : {};
    this.originalJobSpec = isObject(originalJobSpec) ? originalJobSpec : {};
    this.jobMetadata = isObject(jobMetadata) ? jobMetadata : {};
    this.raw = extra.raw;
    this.shapeProblems = extra.shapeProblems;
    this.operation = extra.operation;
    this.oldObject = extra.oldObject;
  }

  at(...segments: Array<string | number>): string {
    return path(this.specPath, ...segments);
  }

  memo<T>(key: string, compute: (ctx: RuleContext) => T): T {
    if (!this.memos) this.memos = new Map();
    const hit = this.memos.get(key);
    if (hit !== undefined || this.memos.has(key)) return hit as T;
    const value = compute(this);
    this.memos.set(key, value);
    return value;
  }
}
