import { ApiObject, ApiObjectProps, Duration } from 'cdk8s';
import { Construct, IConstruct, IValidation } from 'constructs';
import { SynthSession } from './_synth-session';
import { BatchSettings } from './batch-settings';
import { formatViolation, validate, Violation } from './rules';
import { renderValue } from './rules/json';

/**
 * A problem only the construct can see (for example a prop conflict that leaves no trace in
 * the rendered manifest). Reported in the same format as engine violations.
 */
export interface ConstructProblem {
  readonly code: string;
  /**
   * `error` (the default) fails synth. `info` is written to stderr once and never fails synth,
   * not even with the strict setting: it explains, it does not warn.
   */
  readonly severity?: 'error' | 'info';
  readonly path: string;
  readonly problem: string;
  readonly got?: unknown;
  readonly fix: string;
}

/** `<Code>: <path> <problem> (got <value>); <fix>` for a construct-level problem. */
export function formatProblem(p: ConstructProblem): string {
  // Strings are shown whole: they are messages or human-readable durations, not user data.
  const got = p.got === undefined ? '' : ` (got ${typeof p.got === 'string' && p.got !== '' ? p.got : renderValue(p.got)})`;
  return `${p.code}: ${p.path} ${p.problem}${got}; ${p.fix}`;
}

/**
 * The batch/v1 object of a cdk8s-batch construct. Within one synth it is rendered once, by the
 * synth's first validation pass, and that same render is what the pass checks and what the synth
 * writes (see `SynthSession`): the verdict is always for the object as written. Outside a synth's
 * output, `toJson()` renders the object afresh, as any `ApiObject` does.
 */
export class BatchApiObject extends ApiObject {
  /** @internal */
  public readonly _session: SynthSession;

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this._session = SynthSession.of(this);
  }

  public toJson(): any {
    return this._session.renderForOutput(this, BatchApiObject.prototype.toJson) ?? this._render();
  }

  /**
   * A fresh render of the object.
   *
   * @internal
   */
  public _render(): any {
    return super.toJson();
  }
}

/** What `addBatchValidation` asks the construct besides its rendered object. */
export interface BatchValidated extends IConstruct {
  /** Problems only the construct can see; called right after the object was rendered for the check. */
  _constructProblems(): ConstructProblem[];
  /** The pod spec path when the rules saw a stand-in pod spec instead of the user's (see `addBatchValidation`). */
  _standInPodSpecPath(): string | undefined;
}

/**
 * Registers the one validation every cdk8s-batch construct runs at synth: the construct's own
 * rendered object goes through the rules engine for the target Kubernetes version
 * (`BatchSettings`). Errors fail synth; warnings are written once to stderr prefixed with the
 * construct path, and fail synth under the strict setting; `info` problems are written once and
 * never fail synth.
 *
 * `construct._standInPodSpecPath()` names the pod spec path (e.g. `spec.template.spec`) when the
 * construct could not render its pod template and the rules saw a stand-in: the construct has
 * reported that mistake itself (`InvalidPodTemplate`), so the findings about the stand-in (missing
 * requests, missing containers, …) are dropped, except those on the restart policy, which is the
 * user's.
 *
 * The first validation pass of a synth renders the object, checks it and keeps the render for the
 * synth's output; the synth's later passes (cdk8s validates the app once more per chart) report
 * the same verdict. A validation called outside a pass (`construct.node.validate()` after a
 * synth) renders and checks the object as it is now.
 */
export function addBatchValidation(construct: BatchValidated, apiObject: BatchApiObject): void {
  construct.node.addValidation(new BatchValidation(construct, apiObject));
}

/**
 * The validation of one construct. One plain object per construct (no closures): a synth of many
 * Jobs creates and keeps as little per Job as it can.
 */
class BatchValidation implements IValidation {
  /** The pass this validation last ran in; a second call in the same pass is a direct one. */
  private visited = -1;
  /** The synth the verdict was made for. */
  private verdictSynth = -1;
  private verdict: string[] = [];
  /** Warnings and notes already written to stderr; created with the first one. */
  private reported?: Set<string>;

  constructor(private readonly construct: BatchValidated, private readonly apiObject: BatchApiObject) {}

  public validate(): string[] {
    const session = this.apiObject._session;
    // cdk8s validates each construct once per pass: a second call in the same pass is a direct one.
    const inPass = this.visited !== session.currentPass;
    this.visited = session.currentPass;
    if (inPass && this.verdictSynth === session.currentSynth) return this.verdict;
    const json = this.apiObject._render();
    const messages = this.check(json);
    if (inPass) {
      this.verdictSynth = session.currentSynth;
      this.verdict = messages;
      session.keepRender(this.apiObject, json);
    }
    return messages;
  }

  private check(json: unknown): string[] {
    const construct = this.construct;
    // Render and evaluate first: `_constructProblems` may reuse what this render found.
    const rendered = evaluate(construct, json);
    const problems = construct._constructProblems();
    const violations = withoutStandInFindings(rendered, construct._standInPodSpecPath());
    const messages: string[] = [];
    for (const p of problems) {
      if (p.severity === 'info') this.once(`[${construct.node.path}] info ${formatProblem(p)}`);
      else messages.push(formatProblem(p));
    }
    const strict = violations.length > 0 && BatchSettings.isStrict(construct);
    for (const v of violations) {
      if (v.severity === 'error' || strict) messages.push(formatViolation(v));
    }
    for (const v of violations) {
      if (v.severity === 'warning' && !strict) this.once(`[${construct.node.path}] warning ${formatViolation(v)}`);
    }
    return messages;
  }

  private once(line: string): void {
    this.reported ??= new Set();
    if (this.reported.has(line)) return;
    this.reported.add(line);
    process.stderr.write(`${line}\n`);
  }
}

function withoutStandInFindings(violations: Violation[], podSpecPath: string | undefined): Violation[] {
  if (podSpecPath === undefined) return violations;
  return violations.filter(
    (v) => v.path === `${podSpecPath}.restartPolicy` || (v.path !== podSpecPath && !v.path.startsWith(`${podSpecPath}.`)),
  );
}

/** Validates a rendered object of the construct; never throws for a user error. */
export function evaluate(construct: IConstruct, json: unknown): Violation[] {
  const kubernetesVersion = BatchSettings.kubernetesVersionOf(construct);
  return validate(json, { kubernetesVersion });
}

/** Whole seconds of a Duration, rounded down; fractions are reported by `_constructProblems`. */
export function seconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : Math.floor(d.toSeconds({ integral: false }));
}

/** The problem reported for a Duration that is not a whole number of seconds. */
export function wholeSecondsProblem(field: string, d: Duration): ConstructProblem {
  return {
    code: 'DurationNotWholeSeconds',
    path: field,
    problem: 'must be a whole number of seconds',
    got: d.toHumanString(),
    fix: 'use Duration.seconds() with a whole number, or minutes/hours',
  };
}
