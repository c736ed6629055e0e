import { ApiObject, ApiObjectProps, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
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

/**
 * Registers the one validation every cdk8s-batch construct runs at synth: the construct's own
 * rendered object goes through the rules engine for the target Kubernetes version
 * (`BatchSettings`). Errors fail synth; warnings are written once to stderr prefixed with the
 * construct path, and fail synth under the strict setting; `info` problems are written once and
 * never fail synth.
 *
 * `standInPodSpec` names the pod spec path (e.g. `spec.template.spec`) when the construct could
 * not render its pod template and the rules saw a stand-in: the construct has reported that
 * mistake itself (`InvalidPodTemplate`), so the findings about the stand-in (missing requests,
 * missing containers, …) are dropped, except those on the restart policy, which is the user's.
 *
 * The first validation pass of a synth renders the object, checks it and keeps the render for the
 * synth's output; the synth's later passes (cdk8s validates the app once more per chart) report
 * the same verdict. A validation called outside a pass (`construct.node.validate()` after a
 * synth) renders and checks the object as it is now.
 */
export function addBatchValidation(
  construct: IConstruct,
  apiObject: BatchApiObject,
  constructProblems: () => ConstructProblem[],
  standInPodSpec: () => string | undefined = () => undefined,
): void {
  const session = apiObject._session;
  const reported = new Set<string>();
  const once = (line: string): void => {
    if (reported.has(line)) return;
    reported.add(line);
    process.stderr.write(`${line}\n`);
  };
  let visited = -1;
  let verdict: { synth: number; messages: string[] } | undefined;
  const check = (json: unknown): string[] => {
    // Render and evaluate first: `constructProblems` may reuse what this render found.
    const rendered = evaluate(construct, json);
    const problems = constructProblems();
    const violations = withoutStandInFindings(rendered, standInPodSpec());
    for (const note of problems.filter((p) => p.severity === 'info')) once(`[${construct.node.path}] info ${formatProblem(note)}`);
    const own = problems.filter((p) => p.severity !== 'info').map(formatProblem);
    const strict = BatchSettings.isStrict(construct);
    const errors = violations.filter((v) => v.severity === 'error' || strict).map(formatViolation);
    for (const warning of violations.filter((v) => v.severity === 'warning' && !strict)) {
      once(`[${construct.node.path}] warning ${formatViolation(warning)}`);
    }
    return [...own, ...errors];
  };
  construct.node.addValidation({
    validate: () => {
      // cdk8s validates each construct once per pass: a second call in the same pass is a direct one.
      const inPass = visited !== session.currentPass;
      visited = session.currentPass;
      if (inPass && verdict?.synth === session.currentSynth) return verdict.messages;
      const json = apiObject._render();
      const messages = check(json);
      if (inPass) {
        verdict = { synth: session.currentSynth, messages };
        session.keepRender(apiObject, json);
      }
      return messages;
    },
  });
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
