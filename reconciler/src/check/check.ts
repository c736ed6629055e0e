/**
 * The pure core of `cdk8s-batch check`: runs the shared rules engine over Kubernetes
 * objects and counts what it saw. Jobs and CronJobs are validated (a CronJob's job
 * template is checked by the engine as part of the CronJob); other kinds are counted and
 * skipped. Also the programmatic entry for tools that check manifests they hold in memory.
 */
import { DEFAULT_KUBERNETES_VERSION, batchKindOf, misplacedBatchKind, parseVersion, recordedKubernetesVersion, validate, type Violation } from 'cdk8s-batch/rules';
import { collectManifests } from './parse.ts';
import type { CheckReport, CheckedObject, InputProblem, SourceObject } from './types.ts';

export interface CheckOptions {
  /**
   * Target Kubernetes minor version for every object, e.g. `"1.31"` (the `--kubernetes-version`
   * flag). Default: each object's recorded `batch.cdk8s.io/kubernetes-version`, else the
   * engine's default.
   */
  readonly kubernetesVersion?: string;
}

/** The version an object is checked for: the override, else the version it records, else the default. */
export function versionFor(object: unknown, override?: string): string {
  if (override !== undefined) return override;
  const recorded = recordedKubernetesVersion(object);
  return recorded.kind === 'supported' ? recorded.version : DEFAULT_KUBERNETES_VERSION;
}

/**
 * Checks plain manifests held in memory (e.g. what a cdk8s app synthesized). Lists are
 * expanded; values that are not Kubernetes objects become `problems`. `file` names the
 * origin in the report. Throws `UnsupportedVersionError` for an unusable version.
 */
export function checkDocuments(manifests: readonly unknown[], options: CheckOptions & { readonly file?: string } = {}): CheckReport {
  const { objects, problems } = collectManifests(manifests, options.file ?? '<memory>');
  return checkSources(objects, options, problems);
}

/** Checks objects read from inputs; `problems` found while reading them are carried into the report. */
export function checkSources(
  sources: readonly SourceObject[],
  options: CheckOptions = {},
  problems: readonly InputProblem[] = [],
): CheckReport {
  const kubernetesVersion = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  parseVersion(kubernetesVersion);
  const versions = new Map<string, number>();
  const tally = { jobs: 0, cronJobs: 0, skipped: 0, errors: 0, warnings: 0 };
  const results: CheckedObject[] = [];
  const allProblems = [...problems];
  for (const source of sources) {
    // A Job or CronJob under the wrong apiVersion is checked too (the engine reports it), never skipped.
    const kind = batchKindOf(source.object) ?? misplacedBatchKind(source.object);
    if (!kind) {
      tally.skipped++;
      continue;
    }
    if (kind === 'Job') tally.jobs++;
    else tally.cronJobs++;
    const objectVersion = versionFor(source.object, options.kubernetesVersion);
    versions.set(objectVersion, (versions.get(objectVersion) ?? 0) + 1);
    const violations = runRules(source, objectVersion, allProblems);
    countSeverities(violations, tally);
    const { name, namespace } = identity(source.object);
    results.push({ source, kind, name, namespace, kubernetesVersion: objectVersion, violations });
  }
  const byVersion = [...versions.entries()].sort(([a], [b]) => compareMinor(a, b)).map(([version, count]) => ({ version, count }));
  return { kubernetesVersion, kubernetesVersions: byVersion, objects: sources.length, ...tally, results, problems: allProblems };
}

function countSeverities(violations: readonly { severity: string }[], tally: { errors: number; warnings: number }): void {
  for (const v of violations) {
    if (v.severity === 'error') tally.errors++;
    else tally.warnings++;
  }
}

function compareMinor(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  return x.major - y.major || x.minor - y.minor;
}

function runRules(source: SourceObject, kubernetesVersion: string, problems: InputProblem[]): Violation[] {
  try {
    return validate(source.object, { kubernetesVersion });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.push({ file: source.file, line: source.line, message: `the rules engine failed on this object (${reason}); please report this with the manifest` });
    return [];
  }
}

/** `metadata.name` and `metadata.namespace` when they are strings. */
export function identity(object: Record<string, unknown>): { name: string | null; namespace: string | null } {
  const metadata = object.metadata;
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : undefined;
  return { name: stringOrNull(meta?.name), namespace: stringOrNull(meta?.namespace) };
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The process exit code for a report: 2 unusable input, 1 errors (or warnings when strict), else 0. */
export function exitCode(report: CheckReport, strict: boolean): number {
  if (report.problems.length > 0) return 2;
  if (report.errors > 0 || (strict && report.warnings > 0)) return 1;
  return 0;
}
