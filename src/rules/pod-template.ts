/**
 * The pod-template rules a Job spec goes through (`validateJobSpec` → `ValidatePodTemplateSpec`,
 * R079–R082): restartPolicy, containers, container names and images, restartPolicy on
 * containers (sidecars), pod activeDeadlineSeconds, template labels and annotations. This is
 * the part of PodSpec validation that Job manifests commonly get wrong, not all of it.
 */
import { annotationFindings, apiRule, labelFindings, podSpec, when } from './job-rule-kit';
import { dns1123LabelErrors } from './job-validators';
import { arrayOf, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';

interface ContainerAt {
  readonly c: Record<string, any>;
  readonly list: 'containers' | 'initContainers';
  readonly i: number;
}

function containers(ctx: RuleContext): ContainerAt[] {
  const pod = podSpec(ctx);
  const out: ContainerAt[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    arrayOf(pod[list]).forEach((c, i) => {
      if (isObject(c)) out.push({ c, list, i });
    });
  }
  return out;
}

const podAt = (ctx: RuleContext, ...rest: Array<string | number>) => ctx.at('template', 'spec', ...rest);

function templateMeta(ctx: RuleContext): Record<string, any> {
  const t = ctx.originalJobSpec.template;
  return isObject(t) && isObject(t.metadata) ? t.metadata : {};
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
      const seen = new Set<string>();
      const out: Finding[] = [];
      for (const { c, list, i } of containers(ctx)) {
        const at = podAt(ctx, list, i, 'name');
        const name = c.name;
        if (typeof name !== 'string' || name === '') {
          out.push({ path: at, problem: 'is required' });
          continue;
        }
        for (const e of dns1123LabelErrors(name)) out.push({ path: at, problem: e, got: name });
        if (seen.has(name)) out.push({ path: at, problem: 'is a duplicate container name', got: name });
        seen.add(name);
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
    since: '1.29',
    summary: 'Only init containers take a restartPolicy, and only Always (a sidecar) (R082).',
    fix: 'remove restartPolicy from regular containers; on init containers use Always or remove it',
    check: (ctx) =>
      containers(ctx).flatMap(({ c, list, i }): Finding[] => {
        if (c.restartPolicy === undefined) return [];
        const at = podAt(ctx, list, i, 'restartPolicy');
        if (list === 'containers') return [{ path: at, problem: 'may not be set for non-init containers', got: c.restartPolicy }];
        return when(c.restartPolicy !== 'Always', () => ({ path: at, problem: 'must be "Always" (a sidecar) or unset', got: c.restartPolicy }));
      }),
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
    path: 'spec.template.metadata.labels',
    summary: 'Pod template label keys are qualified names and values are valid label values (R079).',
    fix: 'use a qualified-name key and a value of at most 63 letters, digits, "-", "_" or "."',
    check: (ctx) => labelFindings(templateMeta(ctx).labels, ctx.at('template', 'metadata', 'labels')),
  }),
  apiRule({
    code: 'TemplateAnnotationInvalid',
    scope: 'JobSpec',
    path: 'spec.template.metadata.annotations',
    summary: 'Pod template annotation keys are qualified names and all annotations together are at most 256 KiB (R079).',
    fix: 'use a qualified-name key ([prefix/]name) and keep annotations under 256 KiB',
    check: (ctx) => annotationFindings(templateMeta(ctx).annotations, ctx.at('template', 'metadata', 'annotations')),
  }),
];
