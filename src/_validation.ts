import { ApiObject, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
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
 */
export function addBatchValidation(
  construct: IConstruct,
  apiObject: ApiObject,
  constructProblems: () => ConstructProblem[],
  standInPodSpec: () => string | undefined = () => undefined,
): void {
  const reported = new Set<string>();
  const once = (line: string): void => {
    if (reported.has(line)) return;
    reported.add(line);
    process.stderr.write(`${line}\n`);
  };
  construct.node.addValidation({
    validate: () => {
      // Render and evaluate first: `constructProblems` may reuse what this render found.
      const rendered = evaluate(construct, apiObject);
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
    },
  });
}

function withoutStandInFindings(violations: Violation[], podSpecPath: string | undefined): Violation[] {
  if (podSpecPath === undefined) return violations;
  return violations.filter(
    (v) => v.path === `${podSpecPath}.restartPolicy` || (v.path !== podSpecPath && !v.path.startsWith(`${podSpecPath}.`)),
  );
}

/** Validates the construct's rendered object; never throws for a user error. */
export function evaluate(construct: IConstruct, apiObject: ApiObject): Violation[] {
  const kubernetesVersion = BatchSettings.kubernetesVersionOf(construct);
  return validate(apiObject.toJson(), { kubernetesVersion });
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
