/**
 * The pod-template rules a Job spec goes through (`validateJobSpec` → `ValidatePodTemplateSpec`,
 * R079–R082): restartPolicy, containers, container names and images, restartPolicy on
 * containers (sidecars), pod activeDeadlineSeconds, template labels and annotations. This is
 * the part of PodSpec validation that Job manifests commonly get wrong, not all of it.
 */
import { NO_FINDINGS, annotationFindings, apiRule, labelFindings, podSpec, when } from './job-rule-kit';
import { dns1123LabelErrors, labelMapProblems } from './job-validators';
import { arrayOf, isObject } from './json';
import { atLeast, containers, items, podAt } from './pod-kit';
import { Finding, Rule, RuleContext } from './types';

/** No errors: a name that is not checked further. */
const NO_ERRORS: readonly string[] = [];

const CONTAINER_RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];

/**
 * `validateContainerRestartPolicy` (1.35+) and the older fixed rules: where the server drops the
 * field (regular containers and non-Always init containers on 1.34, init containers on 1.28),
 * FieldRequiresNewerKubernetes reports it instead.
 */
function restartPolicyFindings(ctx: RuleContext, c: Record<string, any>, list: 'containers' | 'initContainers', at: string): readonly Finding[] {
  const rp = c.restartPolicy;
  if (rp === undefined && c.restartPolicyRules === undefined) return [];
  const rules = items(c.restartPolicyRules);
  if (!atLeast(ctx, 35)) {
    if (rp === undefined || !atLeast(ctx, 29) && list === 'initContainers') return [];
    if (atLeast(ctx, 34) && (list === 'containers' || rp !== 'Always')) return [];
    if (list === 'containers') return [{ path: `${at}.restartPolicy`, problem: 'may not be set for non-init containers', got: rp, fix: 'remove restartPolicy, or target Kubernetes 1.35 or later' }];
    return when(rp !== 'Always', () => ({ path: `${at}.restartPolicy`, problem: 'must be "Always" (a sidecar) or unset', got: rp }));
  }
  const out: Finding[] = [];
  if (rp === undefined) {
    if (rules.length > 0) out.push({ path: `${at}.restartPolicy`, problem: 'must be set when restartPolicyRules are used', fix: 'set restartPolicy next to restartPolicyRules' });
    return out;
  }
  if (!CONTAINER_RESTART_POLICIES.includes(rp)) out.push({ path: `${at}.restartPolicy`, problem: 'must be one of "Always", "Never", "OnFailure"', got: rp });
  const allActions = atLeast(ctx, 36);
  if (list === 'initContainers' && rp === 'Always' && !allActions) {
    if (rules.length > 0) out.push({ path: `${at}.restartPolicyRules`, problem: 'are not allowed for init containers with restartPolicy Always', fix: 'remove restartPolicyRules from the sidecar' });
    return out;
  }
  if (rules.length > 20) out.push({ path: `${at}.restartPolicyRules`, problem: 'must have at most 20 rules', got: rules.length });
  const actions = allActions ? ['Restart', 'RestartAllContainers'] : ['Restart'];
  rules.forEach((r, j) => {
    const here = `${at}.restartPolicyRules[${j}]`;
    if (!actions.includes(r.action)) out.push({ path: `${here}.action`, problem: `must be one of ${actions.map((a) => `"${a}"`).join(', ')}`, got: r.action ?? '' });
    if (!isObject(r.exitCodes)) {
      out.push({ path: `${here}.exitCodes`, problem: 'is required' });
      return;
    }
    if (r.exitCodes.operator !== 'In' && r.exitCodes.operator !== 'NotIn') out.push({ path: `${here}.exitCodes.operator`, problem: 'must be one of "In", "NotIn"', got: r.exitCodes.operator ?? '' });
    if (arrayOf(r.exitCodes.values).length > 255) out.push({ path: `${here}.exitCodes.values`, problem: 'must have at most 255 values', got: arrayOf(r.exitCodes.values).length });
  });
  return out;
}

function templateMeta(ctx: RuleContext): Record<string, any> {
  const t = ctx.originalJobSpec.template;
  return isObject(t) && isObject(t.metadata) ? t.metadata : {};
}

/** A Job (not a CronJob's template) with no labels of its own: the server gives it the template's labels. */
export function jobTakesTemplateLabels(ctx: RuleContext): boolean {
  if (ctx.kind !== 'Job' || ctx.operation === 'update') return false;
  const labels = isObject(ctx.original.metadata) ? ctx.original.metadata.labels : undefined;
  return !isObject(labels) || Object.keys(labels).length === 0;
}

/** Pod template rules. */
export const POD_TEMPLATE_RULES: Rule[] = [
  apiRule({
    code: 'RestartPolicyNotAllowed',
    scope: 'JobSpec',
    path: 'spec.template.spec.restartPolicy',
    summary: 'A Job pod restartPolicy is Never or OnFailure; an unset restartPolicy defaults to Always and is rejected (R080).',
    fix: 'set restartPolicy to Never or OnFailure',
    check: (ctx) => {
      const rp = podSpec(ctx).restartPolicy;
      if (rp !== undefined && rp !== 'Always') return [];
      const t = ctx.originalJobSpec.template;
      const submitted = isObject(t) && isObject(t.spec) ? t.spec.restartPolicy : undefined;
      return [{
        path: podAt(ctx, 'restartPolicy'),
        problem: submitted === undefined ? 'is unset, which defaults to Always; a Job allows only Never or OnFailure' : 'must be Never or OnFailure in a Job',
        got: submitted ?? 'unset',
      }];
    },
  }),
  apiRule({
    code: 'RestartPolicyUnsupported',
    scope: 'JobSpec',
    path: 'spec.template.spec.restartPolicy',
    summary: 'restartPolicy is one of Always, OnFailure, Never, and a Job allows only OnFailure and Never (R081).',
    fix: 'set restartPolicy to Never or OnFailure',
    check: (ctx) => {
      const rp = podSpec(ctx).restartPolicy;
      return when(typeof rp === 'string' && !['Always', 'OnFailure', 'Never'].includes(rp), () => ({
        path: podAt(ctx, 'restartPolicy'),
        problem: 'must be "OnFailure" or "Never"',
        got: rp,
      }));
    },
  }),
  apiRule({
    code: 'PodContainersRequired',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers',
    summary: 'The pod template has at least one container (R079).',
    fix: 'add a container to the pod template',
    check: (ctx) =>
      when(arrayOf(podSpec(ctx).containers).length === 0, () => ({ path: podAt(ctx, 'containers'), problem: 'must have at least one container' })),
  }),
  apiRule({
    code: 'ContainerNameInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].name',
    summary: 'Every container and init container has a name that is a DNS-1123 label, unique within the pod (R079).',
    fix: 'give each container a unique lowercase name of letters, digits and "-"',
    check: (ctx) => {
      // Regular container names are all remembered (even ""); init container names only when set.
      const seen = new Set<string>();
      const out: Finding[] = [];
      for (const { c, list, i } of containers(ctx)) {
        const name = typeof c.name === 'string' ? c.name : '';
        const errors = name === '' ? NO_ERRORS : dns1123LabelErrors(name);
        const duplicate = seen.has(name);
        if (list === 'containers' || name !== '') seen.add(name);
        if (name !== '' && errors.length === 0 && !duplicate) continue;
        const at = podAt(ctx, list, i, 'name');
        if (name === '') out.push({ path: at, problem: 'is required' });
        for (const e of errors) out.push({ path: at, problem: e, got: name });
        if (duplicate) out.push({ path: at, problem: 'is a duplicate container name', got: name });
      }
      return out;
    },
  }),
  apiRule({
    code: 'ContainerImageRequired',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].image',
    summary: 'Every container and init container has an image (R079); a pod template, unlike a pod, accepts surrounding whitespace.',
    fix: 'set the container image',
    check: (ctx) =>
      containers(ctx).flatMap(({ c, list, i }) =>
        when(typeof c.image !== 'string' || c.image === '', () => ({ path: podAt(ctx, list, i, 'image'), problem: 'is required' })),
      ),
  }),
  apiRule({
    code: 'ContainerRestartPolicyInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.containers[*].restartPolicy',
    summary: 'A container restartPolicy: before 1.34 only init containers take one, and only Always (a sidecar); from 1.35 (ContainerRestartRules on by default) every container may set Always, Never or OnFailure, with restartPolicyRules (action Restart, or RestartAllContainers from 1.36; exitCodes with operator In or NotIn) only next to a restartPolicy. On 1.34 the server drops a regular container\'s restartPolicy (see FieldRequiresNewerKubernetes) (R082).',
    fix: 'remove restartPolicy from regular containers; on init containers use Always or remove it',
    check: (ctx) => {
      const out: Finding[] = [];
      for (const { c, list, i } of containers(ctx)) {
        // Most containers set neither: no path to build.
        if (c.restartPolicy === undefined && c.restartPolicyRules === undefined) continue;
        out.push(...restartPolicyFindings(ctx, c, list, podAt(ctx, list, i)));
      }
      return out;
    },
  }),
  apiRule({
    code: 'PodActiveDeadlineSecondsInvalid',
    scope: 'JobSpec',
    path: 'spec.template.spec.activeDeadlineSeconds',
    summary: 'The pod-level activeDeadlineSeconds is between 1 and 2147483647 (unlike the Job-level one, which accepts 0).',
    fix: 'set the pod activeDeadlineSeconds to 1 or more, or use the Job-level spec.activeDeadlineSeconds',
    check: (ctx) => {
      const v = podSpec(ctx).activeDeadlineSeconds;
      return when(typeof v === 'number' && (v < 1 || v > 2147483647), () => ({
        path: podAt(ctx, 'activeDeadlineSeconds'),
        problem: 'must be between 1 and 2147483647, inclusive',
        got: v,
      }));
    },
  }),
  apiRule({
    code: 'TemplateLabelInvalid',
    scope: 'JobSpec',
    path: 'spec.template.labels',
    summary: 'Pod template label keys are qualified names and values are valid label values (R079). The API server reports them at spec.template.labels, and a Job without labels of its own takes the template labels, so there they are also reported at metadata.labels.',
    fix: 'use a qualified-name key and a value of at most 63 letters, digits, "-", "_" or "."',
    check: (ctx) => {
      const labels = templateMeta(ctx).labels;
      if (labelMapProblems(labels).length === 0) return [];
      const findings = labelFindings(labels, ctx.at('template', 'labels'));
      return findings.length > 0 && jobTakesTemplateLabels(ctx) ? [...findings, ...labelFindings(labels, 'metadata.labels')] : findings;
    },
  }),
  apiRule({
    code: 'TemplateAnnotationInvalid',
    scope: 'JobSpec',
    path: 'spec.template.annotations',
    summary: 'Pod template annotation keys are qualified names and all annotations together are at most 256 KiB (R079); the API server reports them at spec.template.annotations.',
    fix: 'use a qualified-name key ([prefix/]name) and keep annotations under 256 KiB',
    check: (ctx) => {
      const annotations = templateMeta(ctx).annotations;
      // Without an annotation map there is nothing to report, and no path to build.
      return isObject(annotations) ? annotationFindings(annotations, ctx.at('template', 'annotations')) : NO_FINDINGS;
    },
  }),
];
