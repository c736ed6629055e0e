/**
 * Job rules with API-server parity: what `ValidateJob` / `validateJobSpec` reject on create
 * (section 2 of the batch rules research), plus the API server's own create warnings. Rules with
 * scope `JobSpec` run on a Job's `spec` and on a CronJob's `spec.jobTemplate.spec`, which the
 * server checks with `validateJobSpec` too; `Job` rules (name, selector, generated labels) apply
 * to Job objects only (R145).
 */
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from './defaults';
import { POD_FAILURE_POLICY_RULES, SUCCESS_POLICY_RULES } from './job-policies';
import { annotationFindings, apiRule, effectiveName, int, isIndexed, labelFindings, templateLabels, when } from './job-rule-kit';
import { ShapeProblem, checkObject } from './job-shape';
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  domainPrefixedPathErrors,
  labelSelectorProblems,
  labelValueErrors,
  validSelectorMatches,
} from './job-validators';
import { isObject, path } from './json';
import { POD_SPEC_RULES } from './pod-spec.rules';
import { POD_TEMPLATE_RULES, jobTakesTemplateLabels } from './pod-template';
import { Finding, Rule, RuleContext } from './types';
import { compareVersions, formatVersion, parseVersion } from './versions';

/** `maxParallelismForIndexedJob`. */
export const MAX_INDEXED_PARALLELISM = 100_000;
/** `maxFailedIndexesForIndexedJob`. */
export const MAX_FAILED_INDEXES = 100_000;
/** Above this many completions, backoffLimitPerIndex needs maxFailedIndexes and the 10^4 caps. */
export const MAX_COMPLETIONS_PER_INDEX_UNBOUNDED = 100_000;
/** `maxParallelismForJobWithBackoffLimitPerIndex` / the matching maxFailedIndexes cap. */
export const MAX_PER_INDEX_PARALLELISM = 10_000;

/**
 * Stands for the uid the API server assigns on create, when the manifest has none: it equals no
 * string a user can write, so a user-set `controller-uid` label or selector never matches it,
 * exactly as it never matches the real, fresh uid.
 */
const UNKNOWN_UID = '\u0000server-assigned-uid';

// ---------------------------------------------------------------------------------------------
// JSON type layer

const TYPE_RULES: Rule[] = [
  apiRule({
    code: 'FieldTypeInvalid',
    scope: 'Object',
    path: 'spec.*',
    summary: 'Every field anywhere in the object has the JSON type of the schema the version serves (a quantity where a Quantity is expected, an RFC 3339 time where a Time is); the API server fails to decode anything else (400). Other rules ignore a wrongly typed field.',
    fix: 'use the JSON type the batch/v1 schema gives for this field',
    departure: 'decode-reports-all',
    check: (ctx) =>
      shapeProblems(ctx).filter((p) => !p.unknown).map((p) => ({ path: p.path, problem: `must be ${p.expected}`, got: p.got })),
  }),
  apiRule({
    code: 'FieldUnknown',
    scope: 'Object',
    path: '<any field>',
    summary: 'Every field anywhere in the object (metadata, Job spec, pod template, containers …) is a field of the version\'s schema: strict field validation, the kubectl default, rejects each unknown field (`strict decoding error: unknown field "spec.template.spec.containers[0].foo"`, 400).',
    fix: 'check the spelling (field names are case-sensitive) against the API reference or remove the field',
    check: (ctx) =>
      shapeProblems(ctx).filter((p) => p.unknown).map((p) => ({
        path: p.path,
        problem: `is not a field of ${p.expected} in Kubernetes ${formatVersion(ctx.version)}`,
        got: p.got,
        ...(p.knownFrom !== undefined && compareVersions(ctx.version, parseVersion(p.knownFrom)) < 0
          ? { fix: `the field exists from Kubernetes ${p.knownFrom}: target ${p.knownFrom} or later, or remove it` }
          : {}),
      })),
  }),
];

function shapeProblems(ctx: RuleContext): readonly ShapeProblem[] {
  if (ctx.shapeProblems) return ctx.shapeProblems;
  return checkObject(ctx.raw ?? ctx.original, ctx.kind, ctx.version).problems;
}

// ---------------------------------------------------------------------------------------------
// Job metadata (R016–R019)

/** The Job's name as the server validates it: the name, or the one it generates from generateName. */
function jobName(ctx: RuleContext): string | undefined {
  return effectiveName(ctx);
}

/** metadata.generateName as a name prefix: a trailing "-" stands for the characters the server appends. */
function generateNameErrors(prefix: string): readonly string[] {
  const masked = prefix.length > 1 && prefix.endsWith('-') ? `${prefix.slice(0, -1)}a` : prefix;
  return dns1123SubdomainErrors(masked);
}

const METADATA_RULES: Rule[] = [
  apiRule({
    code: 'JobNameRequired',
    scope: 'Job',
    path: 'metadata.name',
    summary: 'A Job needs metadata.name (or metadata.generateName).',
    fix: 'set metadata.name',
    check: (ctx) => {
      const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
      const generate = typeof meta.generateName === 'string' && meta.generateName !== '';
      return when(!jobName(ctx) && !generate, () => ({ path: 'metadata.name', problem: 'is required (name or generateName)' }));
    },
  }),
  apiRule({
    code: 'JobNameInvalid',
    scope: 'Job',
    path: 'metadata.name',
    summary: 'The Job name is a DNS-1123 subdomain: lowercase alphanumerics, "-" and ".", at most 253 characters (R016).',
    fix: "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    check: (ctx) => {
      const name = jobName(ctx);
      return name === undefined ? [] : dns1123SubdomainErrors(name).map((e) => ({ path: 'metadata.name', problem: e, got: name }));
    },
  }),
  apiRule({
    code: 'JobNameTooLongForLabel',
    scope: 'Job',
    path: 'spec.template.labels',
    summary: 'Unless manualSelector is true, the Job name becomes the job-name label value of its pod template, so it is a valid label value: at most 63 characters, starting and ending with a letter or digit (R017). The API server reports it at spec.template.labels, and also at metadata.labels for a Job without labels of its own whose template has a label map (the Job shares that map).',
    fix: 'shorten the name to 63 characters or fewer, starting and ending with a letter or digit',
    check: (ctx) => {
      const name = jobName(ctx);
      if (name === undefined || ctx.jobSpec.manualSelector === true) return [];
      // A Job without labels of its own takes the template's label map itself (not a copy) when
      // the template has one, so the generated job-name label lands in metadata.labels too (recorded).
      const t = ctx.originalJobSpec.template;
      const shared = jobTakesTemplateLabels(ctx) && isObject(t) && isObject(t.metadata) && isObject(t.metadata.labels);
      return labelValueErrors(name).flatMap((e) =>
        (shared ? ['spec.template.labels', 'metadata.labels'] : ['spec.template.labels']).map((at) => ({
          path: at,
          problem: `get the Job name as the job-name label value, which ${e}`,
          got: name,
        })),
      );
    },
  }),
  apiRule({
    code: 'IndexedJobHostnameInvalid',
    scope: 'Job',
    path: 'metadata.name',
    summary: 'For an Indexed Job, "<name>-<completions-1>" (the longest pod hostname) is a DNS-1123 label: no dots, at most 63 characters (R018).',
    fix: 'shorten the name and drop any dots so that "<name>-<completions-1>" fits in 63 characters',
    check: (ctx) => {
      const name = jobName(ctx);
      const completions = int(ctx.jobSpec, 'completions');
      if (name === undefined || !isIndexed(ctx) || completions === undefined || completions <= 0) return [];
      const hostname = `${name}-${completions - 1}`;
      return when(dns1123LabelErrors(hostname).length > 0, () => ({
        path: 'metadata.name',
        problem: `makes the pod hostname "${hostname}", which is not a valid DNS label (at most 63 lowercase letters, digits and '-')`,
        got: name,
      }));
    },
  }),
  apiRule({
    code: 'JobNameNotDnsLabel',
    scope: 'Job',
    severity: 'warning',
    path: 'metadata.name',
    summary: 'The API server warns when a Job name is not a DNS-1123 label: it is used in pod names and hostnames (R019).',
    fix: 'use a name without dots of at most 63 characters',
    check: (ctx) => {
      const name = jobName(ctx);
      if (name === undefined || dns1123SubdomainErrors(name).length > 0 || name.length > 63) return [];
      return when(dns1123LabelErrors(name).length > 0, () => ({
        path: 'metadata.name',
        problem: 'is used in pod names and hostnames, where a DNS label (no dots) is recommended',
        got: name,
      }));
    },
  }),
  apiRule({
    code: 'GenerateNameInvalid',
    scope: 'Object',
    path: 'metadata.generateName',
    summary: 'metadata.generateName is the prefix of a DNS-1123 subdomain name: lowercase alphanumerics, "-" and "."; the server appends 5 random characters (a trailing "-" is fine).',
    fix: "use lowercase letters, digits, '-' and '.', starting with a letter or digit",
    check: (ctx) => {
      const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
      const prefix = meta.generateName;
      if (typeof prefix !== 'string' || prefix === '') return [];
      return generateNameErrors(prefix).map((e) => ({ path: 'metadata.generateName', problem: e, got: prefix }));
    },
  }),
  apiRule({
    code: 'LabelInvalid',
    scope: 'Object',
    path: 'metadata.labels',
    summary: 'Label keys are qualified names ([prefix/]name) and values are at most 63 alphanumerics, "-", "_" or ".".',
    fix: 'use a qualified-name key and a value of at most 63 letters, digits, "-", "_" or "."',
    check: (ctx) => labelFindings(isObject(ctx.original.metadata) ? ctx.original.metadata.labels : undefined, 'metadata.labels'),
  }),
  apiRule({
    code: 'AnnotationInvalid',
    scope: 'Object',
    path: 'metadata.annotations',
    summary: 'Annotation keys are qualified names and all annotations together are at most 256 KiB.',
    fix: 'use a qualified-name key ([prefix/]name) and keep annotations under 256 KiB',
    check: (ctx) => annotationFindings(isObject(ctx.original.metadata) ? ctx.original.metadata.annotations : undefined, 'metadata.annotations'),
  }),
];

// ---------------------------------------------------------------------------------------------
// Selector and generated labels (R021–R025)

/**
 * The selector and template labels the server validates: on create without manualSelector it
 * first generates the missing ones (R010) from the name and the uid.
 */
interface Selection {
  selector: unknown;
  /** The selector is the one the server generates (`controller-uid` of the uid). */
  generatedSelector: boolean;
  uid: string;
  name: string;
  generated: boolean;
  /** The pod template's labels as the user wrote them. */
  template: Record<string, unknown>;
  /** The template labels with the generated ones added, built on first use (`selectionLabels`). */
  labels: Record<string, unknown> | undefined;
}

/** Several rules need the same selection of one object: compute it once per evaluation. */
function effectiveSelection(ctx: RuleContext): Selection {
  return ctx.memo('job.selection', computeSelection);
}

function computeSelection(ctx: RuleContext): Selection {
  const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
  const uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : UNKNOWN_UID;
  const name = typeof meta.name === 'string' ? meta.name : '';
  let selector = ctx.jobSpec.selector;
  const generated = ctx.jobSpec.manualSelector !== true && ctx.operation !== 'update';
  const generatedSelector = generated && selector === undefined;
  if (generatedSelector) selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
  return { selector, generatedSelector, uid, name, generated, template: templateLabels(ctx), labels: undefined };
}

/**
 * Whether the selector is a valid label selector. The generated one (a fixed, valid key and the
 * uid) is valid exactly when the uid is a valid label value; a Job without a uid has none yet, so
 * most objects end here without building the problem texts.
 */
function selectorIsValid(selection: Selection): boolean {
  return selection.generatedSelector ? labelValueErrors(selection.uid).length === 0 : labelSelectorProblems(selection.selector).length === 0;
}

/**
 * The labels the selector must select: the template's, plus on create without manualSelector the
 * generated ones it lacks. Built only when a rule matches a valid selector against them (a Job
 * without a uid has a generated selector that is not valid, so most objects never need them).
 */
function selectionLabels(selection: Selection): Record<string, unknown> {
  if (selection.labels) return selection.labels;
  const labels: Record<string, unknown> = { ...selection.template };
  if (selection.generated) {
    const { uid, name } = selection;
    if (labels[LEGACY_CONTROLLER_UID_LABEL] === undefined) labels[LEGACY_CONTROLLER_UID_LABEL] = uid;
    if (labels[LEGACY_JOB_NAME_LABEL] === undefined) labels[LEGACY_JOB_NAME_LABEL] = name;
    if (labels[CONTROLLER_UID_LABEL] === undefined) labels[CONTROLLER_UID_LABEL] = uid;
    if (labels[JOB_NAME_LABEL] === undefined) labels[JOB_NAME_LABEL] = name;
  }
  selection.labels = labels;
  return labels;
}

/** The template labels the server generates, in the order their findings are reported. */
const GENERATED_LABELS = [LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL, CONTROLLER_UID_LABEL, JOB_NAME_LABEL];

function expectedLabel(expected: string, uid: string): string {
  return expected === UNKNOWN_UID ? show(uid) : `'${expected}'`;
}

function show(uid: string): string {
  return uid === UNKNOWN_UID ? "the Job's uid" : `'${uid}'`;
}

const SELECTOR_RULES: Rule[] = [
  apiRule({
    code: 'SelectorRequired',
    scope: 'Job',
    path: 'spec.selector',
    summary: 'With manualSelector: true (or on update) the Job must carry spec.selector; otherwise the server generates it (R021).',
    fix: 'set spec.selector, or remove manualSelector so the server generates it',
    check: (ctx) =>
      when(ctx.jobSpec.selector === undefined && (ctx.jobSpec.manualSelector === true || ctx.operation === 'update'), () => ({
        path: 'spec.selector',
        problem: ctx.operation === 'update' ? 'is required on update (keep the stored selector)' : 'is required when manualSelector is true',
      })),
  }),
  apiRule({
    code: 'SelectorInvalid',
    scope: 'Job',
    path: 'spec.selector',
    summary: 'spec.selector is a valid label selector: qualified-name keys, label values, operators In/NotIn/Exists/DoesNotExist (R022).',
    fix: 'use qualified-name keys, valid label values and the operators In, NotIn, Exists or DoesNotExist',
    check: (ctx) => labelSelectorProblems(ctx.jobSpec.selector).map((p) => ({ path: path('spec.selector', ...p.path), problem: p.problem, got: p.value })),
  }),
  apiRule({
    code: 'SelectorDoesNotMatchTemplate',
    scope: 'Job',
    path: 'spec.template.metadata.labels',
    summary: "The selector must select the pod template's labels (R023).",
    fix: 'add the selector labels to spec.template.metadata.labels',
    check: (ctx) => {
      const selection = effectiveSelection(ctx);
      const selector = selection.selector;
      // A required selector that is missing matches nothing: the server reports the labels too.
      if (selector === undefined && (ctx.jobSpec.manualSelector === true || ctx.operation === 'update')) {
        return [{ path: 'spec.template.metadata.labels', problem: 'are not matched by spec.selector (it is missing)', got: templateLabels(ctx) }];
      }
      if (!isObject(selector) || !selectorIsValid(selection)) return [];
      return when(!validSelectorMatches(selector, selectionLabels(selection)), () => ({
        path: 'spec.template.metadata.labels',
        problem: 'are not matched by spec.selector',
        got: templateLabels(ctx),
      }));
    },
  }),
  apiRule({
    code: 'GeneratedLabelInvalid',
    scope: 'Job',
    path: 'spec.template.metadata.labels',
    summary: 'Without manualSelector the template labels job-name, controller-uid and their batch.kubernetes.io/ forms hold the Job name and uid; users must not set them to anything else (R024).',
    fix: 'remove the label; the API server sets it',
    check: (ctx) => {
      if (ctx.jobSpec.manualSelector === true) return [];
      const { uid } = effectiveSelection(ctx);
      const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const labels = templateLabels(ctx);
      const oldLabels = oldTemplateLabels(ctx);
      const out: Finding[] = [];
      for (const key of GENERATED_LABELS) {
        const expected = key === LEGACY_CONTROLLER_UID_LABEL || key === CONTROLLER_UID_LABEL ? uid : name;
        const v = labels[key];
        if (v === undefined) {
          // Generated on create; on update the prefixed labels are only required if the old Job had them (R101).
          if (ctx.operation !== 'update') continue;
          const legacyExempt = key.startsWith('batch.kubernetes.io/') && oldLabels !== undefined && oldLabels[key] === undefined;
          if (!legacyExempt) out.push({ path: `spec.template.metadata.labels[${key}]`, problem: `is required and must be ${expectedLabel(expected, uid)}` });
        } else if (v !== expected) {
          out.push({ path: `spec.template.metadata.labels[${key}]`, problem: `must be ${expectedLabel(expected, uid)}`, got: v });
        }
      }
      return out;
    },
  }),
  apiRule({
    code: 'SelectorNotAutoGenerated',
    scope: 'Job',
    path: 'spec.selector',
    summary: 'A selector set without manualSelector: true must be the one the server generates, so set a selector only together with manualSelector: true (R025).',
    fix: 'remove spec.selector, or set spec.manualSelector to true',
    check: (ctx) => {
      const selector = ctx.jobSpec.selector;
      if (ctx.jobSpec.manualSelector === true || !isObject(selector) || labelSelectorProblems(selector).length > 0) return [];
      const { uid } = effectiveSelection(ctx);
      const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const expected = { [LEGACY_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name, [CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name };
      return when(!validSelectorMatches(selector, expected), () => ({
        path: 'spec.selector',
        problem: `does not select the generated labels (controller-uid ${show(uid)}, job-name '${name}')`,
        got: selector,
      }));
    },
  }),
];

function oldTemplateLabels(ctx: RuleContext): Record<string, unknown> | undefined {
  const old = ctx.oldObject;
  if (!isObject(old) || !isObject(old.spec) || !isObject(old.spec.template) || !isObject(old.spec.template.metadata)) return undefined;
  return isObject(old.spec.template.metadata.labels) ? old.spec.template.metadata.labels : {};
}

// ---------------------------------------------------------------------------------------------
// Numeric fields (R027–R033)

function nonNegative(code: string, key: string, rid: string, extra = '', since?: string): Rule {
  return apiRule({
    code,
    scope: 'JobSpec',
    since,
    ...(since === '1.29' ? { templateSince: '1.28' } : {}),
    path: `spec.${key}`,
    summary: `spec.${key} is 0 or more when set (${rid})${extra}.`,
    fix: `set ${key} to 0 or more`,
    check: (ctx) => {
      const v = int(ctx.jobSpec, key);
      return when(v !== undefined && v < 0, () => ({ path: ctx.at(key), problem: 'must be greater than or equal to 0', got: v }));
    },
  });
}

const NUMERIC_RULES: Rule[] = [
  nonNegative('ParallelismNegative', 'parallelism', 'R027', '; 0 pauses the Job'),
  nonNegative('CompletionsNegative', 'completions', 'R028'),
  nonNegative('ActiveDeadlineSecondsNegative', 'activeDeadlineSeconds', 'R029'),
  nonNegative('BackoffLimitNegative', 'backoffLimit', 'R030', '; 0 means no retries'),
  nonNegative('TtlSecondsAfterFinishedNegative', 'ttlSecondsAfterFinished', 'R031'),
  nonNegative('BackoffLimitPerIndexNegative', 'backoffLimitPerIndex', 'R032', '', '1.29'),
  nonNegative('MaxFailedIndexesNegative', 'maxFailedIndexes', 'R033', '', '1.29'),
];

// ---------------------------------------------------------------------------------------------
// completionMode, Indexed limits, backoffLimitPerIndex / maxFailedIndexes (R034–R046)

function largePerIndexJob(ctx: RuleContext): boolean {
  const completions = int(ctx.jobSpec, 'completions');
  return ctx.jobSpec.backoffLimitPerIndex !== undefined && completions !== undefined && completions > MAX_COMPLETIONS_PER_INDEX_UNBOUNDED;
}

const INDEXED_RULES: Rule[] = [
  apiRule({
    code: 'CompletionModeUnsupported',
    scope: 'JobSpec',
    path: 'spec.completionMode',
    summary: 'spec.completionMode is NonIndexed or Indexed (R034).',
    fix: 'use NonIndexed or Indexed',
    check: (ctx) => {
      const v = ctx.jobSpec.completionMode;
      return when(v !== undefined && v !== 'NonIndexed' && v !== 'Indexed', () => ({
        path: ctx.at('completionMode'),
        problem: 'must be "NonIndexed" or "Indexed"',
        got: v,
      }));
    },
  }),
  apiRule({
    code: 'IndexedJobRequiresCompletions',
    scope: 'JobSpec',
    path: 'spec.completions',
    summary: 'An Indexed Job needs completions; it is only defaulted (to 1) when parallelism is unset too (R035).',
    fix: 'set completions to the number of indexes',
    check: (ctx) =>
      when(isIndexed(ctx) && ctx.jobSpec.completions === undefined, () => ({
        path: ctx.at('completions'),
        problem: 'is required when completionMode is Indexed',
      })),
  }),
  apiRule({
    code: 'IndexedParallelismTooHigh',
    scope: 'JobSpec',
    path: 'spec.parallelism',
    summary: 'An Indexed Job runs at most 100000 pods in parallel; completions has no such cap (R036).',
    fix: 'set parallelism to 100000 or less',
    check: (ctx) => {
      const p = int(ctx.jobSpec, 'parallelism');
      return when(isIndexed(ctx) && p !== undefined && p > MAX_INDEXED_PARALLELISM, () => ({
        path: ctx.at('parallelism'),
        problem: `must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completionMode is Indexed`,
        got: p,
      }));
    },
  }),
  apiRule({
    code: 'MaxFailedIndexesExceedsCompletions',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.maxFailedIndexes',
    summary: 'maxFailedIndexes is at most completions (R037).',
    fix: 'set maxFailedIndexes to completions or less',
    check: (ctx) => {
      const m = int(ctx.jobSpec, 'maxFailedIndexes');
      const c = int(ctx.jobSpec, 'completions');
      return when(m !== undefined && c !== undefined && m > c, () => ({
        path: ctx.at('maxFailedIndexes'),
        problem: `must be less than or equal to completions (${c})`,
        got: m,
      }));
    },
  }),
  apiRule({
    code: 'MaxFailedIndexesTooHigh',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.maxFailedIndexes',
    summary: 'maxFailedIndexes is at most 100000 (R038).',
    fix: 'set maxFailedIndexes to 100000 or less',
    check: (ctx) => {
      const m = int(ctx.jobSpec, 'maxFailedIndexes');
      return when(m !== undefined && m > MAX_FAILED_INDEXES, () => ({
        path: ctx.at('maxFailedIndexes'),
        problem: `must be less than or equal to ${MAX_FAILED_INDEXES}`,
        got: m,
      }));
    },
  }),
  apiRule({
    code: 'MaxFailedIndexesRequiredForLargeJob',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.maxFailedIndexes',
    summary: 'With backoffLimitPerIndex and more than 100000 completions, maxFailedIndexes is required (R039).',
    fix: 'set maxFailedIndexes to 10000 or less',
    check: (ctx) =>
      when(largePerIndexJob(ctx) && ctx.jobSpec.maxFailedIndexes === undefined, () => ({
        path: ctx.at('maxFailedIndexes'),
        problem: `is required when completions is above ${MAX_COMPLETIONS_PER_INDEX_UNBOUNDED} and backoffLimitPerIndex is set`,
      })),
  }),
  apiRule({
    code: 'ParallelismTooHighForLargePerIndexJob',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.parallelism',
    summary: 'With backoffLimitPerIndex and more than 100000 completions, parallelism is at most 10000 (R040).',
    fix: 'set parallelism to 10000 or less',
    check: (ctx) => {
      const p = int(ctx.jobSpec, 'parallelism');
      return when(largePerIndexJob(ctx) && p !== undefined && p > MAX_PER_INDEX_PARALLELISM, () => ({
        path: ctx.at('parallelism'),
        problem: `must be less than or equal to ${MAX_PER_INDEX_PARALLELISM} when completions are above ${MAX_COMPLETIONS_PER_INDEX_UNBOUNDED} and backoffLimitPerIndex is set`,
        got: p,
      }));
    },
  }),
  apiRule({
    code: 'MaxFailedIndexesTooHighForLargeJob',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.maxFailedIndexes',
    summary: 'With backoffLimitPerIndex and more than 100000 completions, maxFailedIndexes is at most 10000 (R041).',
    fix: 'set maxFailedIndexes to 10000 or less',
    check: (ctx) => {
      const m = int(ctx.jobSpec, 'maxFailedIndexes');
      const c = int(ctx.jobSpec, 'completions');
      return when(m !== undefined && c !== undefined && c > MAX_COMPLETIONS_PER_INDEX_UNBOUNDED && m > MAX_PER_INDEX_PARALLELISM, () => ({
        path: ctx.at('maxFailedIndexes'),
        problem: `must be less than or equal to ${MAX_PER_INDEX_PARALLELISM} when completions are above ${MAX_COMPLETIONS_PER_INDEX_UNBOUNDED}`,
        got: m,
      }));
    },
  }),
  apiRule({
    code: 'LargeIndexedJobTracking',
    scope: 'JobSpec',
    severity: 'warning',
    path: 'spec',
    summary: 'The API server warns that an Indexed Job with more than 10^5 completions and more than 10^4 parallelism may not track completed indexes when many fail (R042).',
    fix: 'lower parallelism to 10000 or less',
    check: (ctx) => {
      const c = int(ctx.jobSpec, 'completions');
      const p = int(ctx.jobSpec, 'parallelism');
      return when(isIndexed(ctx) && c !== undefined && p !== undefined && c > 100_000 && p > 10_000, () => ({
        path: ctx.specPath,
        problem: 'has more than 10^5 completions and more than 10^4 parallelism, so Kubernetes might not be able to track completedIndexes when many indexes fail',
        got: { completions: c, parallelism: p },
      }));
    },
  }),
  apiRule({
    code: 'MaxFailedIndexesRequiresBackoffLimitPerIndex',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.backoffLimitPerIndex',
    summary: 'maxFailedIndexes needs backoffLimitPerIndex; the API server reports it on spec.backoffLimitPerIndex (R043).',
    fix: 'set backoffLimitPerIndex or remove maxFailedIndexes',
    check: (ctx) =>
      when(ctx.jobSpec.maxFailedIndexes !== undefined && ctx.jobSpec.backoffLimitPerIndex === undefined, () => ({
        path: ctx.at('backoffLimitPerIndex'),
        problem: 'is required when maxFailedIndexes is set',
      })),
  }),
  apiRule({
    code: 'BackoffLimitPerIndexRequiresIndexed',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.backoffLimitPerIndex',
    summary: 'backoffLimitPerIndex is only valid when completionMode is Indexed (R044).',
    fix: 'use completionMode Indexed (IndexedJob) or remove backoffLimitPerIndex',
    check: (ctx) =>
      when(ctx.jobSpec.backoffLimitPerIndex !== undefined && !isIndexed(ctx), () => ({
        path: ctx.at('backoffLimitPerIndex'),
        problem: 'is only valid when completionMode is Indexed',
        got: ctx.jobSpec.completionMode ?? 'NonIndexed',
      })),
  }),
  apiRule({
    code: 'MaxFailedIndexesRequiresIndexed',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    path: 'spec.maxFailedIndexes',
    summary: 'maxFailedIndexes is only valid when completionMode is Indexed (R045).',
    fix: 'use completionMode Indexed (IndexedJob) or remove maxFailedIndexes',
    check: (ctx) =>
      when(ctx.jobSpec.maxFailedIndexes !== undefined && !isIndexed(ctx), () => ({
        path: ctx.at('maxFailedIndexes'),
        problem: 'is only valid when completionMode is Indexed',
        got: ctx.jobSpec.completionMode ?? 'NonIndexed',
      })),
  }),
  apiRule({
    code: 'BackoffLimitPerIndexWithoutNever',
    scope: 'JobSpec',
    since: '1.29',
    templateSince: '1.28',
    severity: 'warning',
    source: 'misconception',
    path: 'spec.template.spec.restartPolicy',
    summary: 'The API documents backoffLimitPerIndex for restartPolicy Never only; the server does not enforce it, and with OnFailure in-place restarts are not counted per index (R046).',
    fix: 'set restartPolicy to Never',
    check: (ctx) => {
      const pod = isObject(ctx.jobSpec.template) && isObject(ctx.jobSpec.template.spec) ? ctx.jobSpec.template.spec : {};
      return when(ctx.jobSpec.backoffLimitPerIndex !== undefined && pod.restartPolicy === 'OnFailure', () => ({
        path: ctx.at('template', 'spec', 'restartPolicy'),
        problem: 'should be Never when backoffLimitPerIndex is set',
        got: pod.restartPolicy,
      }));
    },
  }),
  apiRule({
    code: 'ActiveDeadlineSecondsZero',
    scope: 'JobSpec',
    severity: 'warning',
    source: 'misconception',
    path: 'spec.activeDeadlineSeconds',
    summary: 'The API documents activeDeadlineSeconds as a positive integer; the server accepts 0, which fails the Job as soon as it starts.',
    fix: 'set activeDeadlineSeconds to 1 or more, or remove it',
    check: (ctx) =>
      when(ctx.jobSpec.activeDeadlineSeconds === 0, () => ({
        path: ctx.at('activeDeadlineSeconds'),
        problem: 'is 0, so the Job fails with DeadlineExceeded as soon as it starts',
        got: 0,
      })),
  }),
];

// ---------------------------------------------------------------------------------------------
// podReplacementPolicy, managedBy, CronJob job template selector (R064/R065, R076/R077, R146)

const OTHER_SPEC_RULES: Rule[] = [
  apiRule({
    code: 'PodReplacementPolicyUnsupported',
    scope: 'JobSpec',
    path: 'spec.podReplacementPolicy',
    since: '1.29',
    templateSince: '1.28',
    summary: 'spec.podReplacementPolicy is Failed or TerminatingOrFailed (R065).',
    fix: 'use Failed or TerminatingOrFailed',
    check: (ctx) => {
      const v = ctx.jobSpec.podReplacementPolicy;
      return when(v !== undefined && v !== 'Failed' && v !== 'TerminatingOrFailed', () => ({
        path: ctx.at('podReplacementPolicy'),
        problem: 'must be "Failed" or "TerminatingOrFailed"',
        got: v,
      }));
    },
  }),
  apiRule({
    code: 'PodReplacementPolicyMustBeFailed',
    scope: 'JobSpec',
    path: 'spec.podReplacementPolicy',
    since: '1.29',
    templateSince: '1.28',
    summary: 'With a podFailurePolicy, podReplacementPolicy must be Failed (R064).',
    fix: 'set podReplacementPolicy to Failed or remove it',
    check: (ctx) => {
      const v = ctx.jobSpec.podReplacementPolicy;
      return when(ctx.jobSpec.podFailurePolicy !== undefined && v === 'TerminatingOrFailed', () => ({
        path: ctx.at('podReplacementPolicy'),
        problem: 'must be "Failed" when podFailurePolicy is set',
        got: v,
      }));
    },
  }),
  apiRule({
    code: 'ManagedByInvalid',
    scope: 'JobSpec',
    path: 'spec.managedBy',
    since: '1.32',
    summary: 'spec.managedBy is a domain-prefixed path such as example.com/my-controller (R076).',
    fix: 'use a domain-prefixed path such as example.com/my-controller, or remove managedBy',
    check: (ctx) => {
      const v = ctx.jobSpec.managedBy;
      if (typeof v !== 'string') return [];
      if (v === '') return [{ path: ctx.at('managedBy'), problem: 'must not be empty', got: v }];
      return domainPrefixedPathErrors(v).map((e) => ({ path: ctx.at('managedBy'), problem: e, got: v }));
    },
  }),
  apiRule({
    code: 'ManagedByTooLong',
    scope: 'JobSpec',
    path: 'spec.managedBy',
    since: '1.32',
    summary: 'spec.managedBy is at most 63 characters (R077).',
    fix: 'use a managedBy value of 63 characters or fewer',
    check: (ctx) => {
      const v = ctx.jobSpec.managedBy;
      return when(typeof v === 'string' && v.length > 63, () => ({
        path: ctx.at('managedBy'),
        problem: `may not be more than 63 bytes (${v.length})`,
        got: v,
      }));
    },
  }),
  apiRule({
    code: 'JobTemplateSelectorNotAllowed',
    scope: 'JobSpec',
    path: 'spec.jobTemplate.spec.selector',
    summary: 'A CronJob job template has no selector and no manualSelector: true; the server generates the selector of each Job (R146).',
    fix: 'remove selector and manualSelector from the job template',
    check: (ctx) => {
      if (!ctx.inTemplate) return [];
      const out: Finding[] = [];
      if (ctx.originalJobSpec.selector !== undefined) {
        out.push({ path: ctx.at('selector'), problem: 'must not be set in a job template; `selector` will be auto-generated', got: ctx.originalJobSpec.selector });
      }
      if (ctx.originalJobSpec.manualSelector === true) {
        out.push({ path: ctx.at('manualSelector'), problem: 'must be unset or false in a job template', got: true });
      }
      return out;
    },
  }),
];

/** Every Job rule, in evaluation order. */
export const JOB_RULES: readonly Rule[] = [
  ...TYPE_RULES,
  ...METADATA_RULES,
  ...SELECTOR_RULES,
  ...NUMERIC_RULES,
  ...INDEXED_RULES,
  ...POD_FAILURE_POLICY_RULES,
  ...OTHER_SPEC_RULES,
  ...SUCCESS_POLICY_RULES,
  ...POD_TEMPLATE_RULES,
  ...POD_SPEC_RULES,
];
