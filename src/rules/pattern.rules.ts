/**
 * Pattern rules: an object annotated `batch.cdk8s.io/pattern` must still have its pattern's shape
 * (the Kubernetes "Job patterns"). The constructs always synthesize the right shape, so these
 * catch hand-made drift on live objects and edited manifests.
 *
 * - `OneShotJob`: completions 1, parallelism 1, NonIndexed.
 * - `WorkQueueJob`: NonIndexed with parallelism set; completions unset (variable pod count) or
 *   set (one pod per work item).
 * - `IndexedJob`: Indexed with completions set.
 * - `ScheduledJob`: a CronJob; its job template may carry a pattern of its own in
 *   `spec.jobTemplate.metadata.annotations`.
 */
import { KUBERNETES_VERSION_ANNOTATION, PATTERN_ANNOTATION, PATTERNS } from './annotations';
import { isObject } from './json';
import { recordedKubernetesVersion } from './recorded-version';
import { Finding, Rule, RuleContext } from './types';
import { SUPPORTED_VERSIONS } from './versions';

const ANNOTATION_PATH = `annotations[${PATTERN_ANNOTATION}]`;

function annotation(meta: unknown): unknown {
  return isObject(meta) && isObject(meta.annotations) ? meta.annotations[PATTERN_ANNOTATION] : undefined;
}

/** Where the Job spec's own pattern annotation lives, and its value. */
function jobSpecPattern(ctx: RuleContext): { path: string; value: unknown } {
  return {
    path: ctx.inTemplate ? `spec.jobTemplate.metadata.${ANNOTATION_PATH}` : `metadata.${ANNOTATION_PATH}`,
    value: annotation(ctx.jobMetadata),
  };
}

/**
 * completions and parallelism as the Job will run with them: a Job is already defaulted; a
 * CronJob's job template is not (R014), so the Job defaulting (R001) is applied here.
 */
function counts(ctx: RuleContext): { completions: unknown; parallelism: unknown; mode: unknown } {
  const s = ctx.inTemplate ? ctx.originalJobSpec : ctx.jobSpec;
  let completions = s.completions;
  let parallelism = s.parallelism;
  if (completions === undefined && parallelism === undefined) {
    completions = 1;
    parallelism = 1;
  }
  if (parallelism === undefined) parallelism = 1;
  return { completions, parallelism, mode: s.completionMode ?? 'NonIndexed' };
}

/** What does not match `pattern` in the Job spec, as findings. */
function jobShapeFindings(ctx: RuleContext, pattern: string): Finding[] {
  const { completions, parallelism, mode } = counts(ctx);
  const set = ctx.originalJobSpec;
  const unmet: Unmet[] = [];
  switch (pattern) {
    case 'OneShotJob':
      if (completions !== 1) unmet.push({ field: 'completions', problem: 'must be 1', got: completions });
      if (parallelism !== 1) unmet.push({ field: 'parallelism', problem: 'must be 1', got: parallelism });
      if (mode !== 'NonIndexed') unmet.push({ field: 'completionMode', problem: 'must be NonIndexed', got: mode });
      break;
    case 'WorkQueueJob':
      if (mode !== 'NonIndexed') unmet.push({ field: 'completionMode', problem: 'must be NonIndexed', got: mode });
      if (set.parallelism === undefined) unmet.push({ field: 'parallelism', problem: 'must be set (the number of workers)', got: undefined });
      break;
    case 'IndexedJob':
      if (mode !== 'Indexed') unmet.push({ field: 'completionMode', problem: 'must be Indexed', got: mode });
      if (completions === undefined) unmet.push({ field: 'completions', problem: 'must be set (the number of indexes)', got: undefined });
      break;
    default:
      break;
  }
  if (unmet.length === 0) return [];
  // A field with the wrong JSON type is reported once, by FieldTypeInvalid: the pattern does not
  // also call it missing or wrong.
  const mistyped = new Set((ctx.shapeProblems ?? []).map((p) => p.path));
  const out: Finding[] = [];
  for (const { field, problem, got } of unmet) {
    const at = ctx.at(field);
    if (mistyped.has(at)) continue;
    // A required field has no `got`, so the message reads "is required".
    out.push(got === undefined ? { path: at, problem: `${problem} for the ${pattern} pattern` } : { path: at, problem: `${problem} for the ${pattern} pattern`, got });
  }
  return out;
}

/** One requirement of a pattern that the Job spec does not meet. */
interface Unmet {
  readonly field: string;
  readonly problem: string;
  readonly got: unknown;
}

const KNOWN = PATTERNS as readonly string[];

/** The pattern annotation of a CronJob's job template, as submitted. */
function templateAnnotation(ctx: RuleContext): unknown {
  const spec = ctx.original.spec;
  return annotation(isObject(spec) && isObject(spec.jobTemplate) ? spec.jobTemplate.metadata : undefined);
}

/** Every pattern rule, in evaluation order. */
export const PATTERN_RULES: readonly Rule[] = [
  {
    code: 'PatternUnknown',
    severity: 'error',
    source: 'pattern',
    scope: 'Object',
    path: `metadata.${ANNOTATION_PATH}`,
    summary: `The ${PATTERN_ANNOTATION} annotation names one of ${PATTERNS.join(', ')}.`,
    fix: `set the annotation to one of ${PATTERNS.join(', ')}, or remove it`,
    check: (ctx) => {
      const out: Finding[] = [];
      const own = annotation(ctx.original.metadata);
      if (own !== undefined && !KNOWN.includes(own as string)) {
        out.push({ path: `metadata.${ANNOTATION_PATH}`, problem: 'is not a known pattern', got: own });
      }
      if (ctx.kind === 'CronJob') {
        const tmpl = templateAnnotation(ctx);
        if (tmpl !== undefined && !KNOWN.includes(tmpl as string)) {
          out.push({ path: `spec.jobTemplate.metadata.${ANNOTATION_PATH}`, problem: 'is not a known pattern', got: tmpl });
        }
      }
      return out;
    },
  },
  {
    code: 'PatternKindMismatch',
    severity: 'error',
    source: 'pattern',
    scope: 'Object',
    path: `metadata.${ANNOTATION_PATH}`,
    summary: 'ScheduledJob annotates a CronJob; OneShotJob, WorkQueueJob and IndexedJob annotate a Job or a CronJob\'s job template.',
    fix: 'use ScheduledJob on CronJobs and OneShotJob, WorkQueueJob or IndexedJob on Jobs and job templates',
    check: (ctx) => {
      const out: Finding[] = [];
      const own = annotation(ctx.original.metadata);
      if (ctx.kind === 'Job' && own === 'ScheduledJob') {
        out.push({ path: `metadata.${ANNOTATION_PATH}`, problem: 'names a CronJob pattern on a Job', got: own });
      }
      if (ctx.kind === 'CronJob') {
        if (typeof own === 'string' && KNOWN.includes(own) && own !== 'ScheduledJob') {
          out.push({ path: `metadata.${ANNOTATION_PATH}`, problem: 'names a Job pattern on a CronJob', got: own });
        }
        const tmpl = templateAnnotation(ctx);
        if (tmpl === 'ScheduledJob') {
          out.push({ path: `spec.jobTemplate.metadata.${ANNOTATION_PATH}`, problem: 'names a CronJob pattern on a job template', got: tmpl });
        }
      }
      return out;
    },
  },
  {
    code: 'PatternMismatch',
    severity: 'error',
    source: 'pattern',
    scope: 'JobSpec',
    path: 'spec',
    summary:
      'A Job (or job template) annotated with a pattern has its shape: OneShotJob completions 1, parallelism 1, NonIndexed; ' +
      'WorkQueueJob NonIndexed with parallelism set; IndexedJob Indexed with completions set.',
    fix: 'restore the pattern\'s shape, or change the annotation to the pattern the object now follows',
    check: (ctx) => {
      const { value } = jobSpecPattern(ctx);
      if (typeof value !== 'string' || !KNOWN.includes(value) || value === 'ScheduledJob') return [];
      return jobShapeFindings(ctx, value);
    },
  },
  {
    code: 'KubernetesVersionAnnotationInvalid',
    severity: 'warning',
    source: 'pattern',
    scope: 'Object',
    path: `metadata.annotations[${KUBERNETES_VERSION_ANNOTATION}]`,
    summary:
      `The ${KUBERNETES_VERSION_ANNOTATION} annotation, written by the constructs, names the Kubernetes minor version the object was validated for; ` +
      '`check` and `sandbox` use it when no --kubernetes-version is given. A value that is not a supported version is ignored (the default or the flag applies).',
    fix: `set it to the target version, one of ${SUPPORTED_VERSIONS.join(', ')}, or remove it`,
    check: (ctx) => {
      const recorded = recordedKubernetesVersion(ctx.original);
      if (recorded.kind !== 'unsupported') return [];
      return [{
        path: `metadata.annotations[${KUBERNETES_VERSION_ANNOTATION}]`,
        problem: 'is not a Kubernetes version cdk8s-batch supports, so it is ignored',
        got: recorded.got,
      }];
    },
  },
];
