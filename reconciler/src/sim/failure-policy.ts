/**
 * `spec.podFailurePolicy` matching, as the job controller does it: rules are tried in order and
 * the first that matches a failed pod decides (FailJob, FailIndex, Ignore or Count); a failed
 * pod that matches no rule counts against the backoff limit.
 */
import type { StoredObject } from '../emulator/types.ts';
import type { Json } from './meta.ts';

export type FailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

/** The outcome of matching one failed pod against the policy. */
export interface FailureMatch {
  readonly action: FailureAction;
  /** For FailJob: the message of the Job's FailureTarget/Failed condition. */
  readonly message?: string;
}

interface ExitCodesRule {
  readonly containerName?: string;
  readonly operator: 'In' | 'NotIn';
  readonly values: readonly number[];
}

interface PodConditionPattern {
  readonly type: string;
  readonly status?: string;
}

interface PolicyRule {
  readonly action: FailureAction;
  readonly onExitCodes?: ExitCodesRule;
  readonly onPodConditions?: readonly PodConditionPattern[];
}

interface TerminatedContainer {
  readonly name: string;
  readonly exitCode: number;
}

/** Containers (init containers first) that terminated with a non-zero exit code. */
function failedContainers(pod: StoredObject): TerminatedContainer[] {
  const status = pod.status ?? {};
  const statuses: Json[] = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  return statuses
    .map((cs) => ({ name: cs?.name, exitCode: cs?.state?.terminated?.exitCode }))
    .filter((c): c is TerminatedContainer => typeof c.exitCode === 'number' && c.exitCode !== 0);
}

function exitCodeMatches(rule: ExitCodesRule, container: TerminatedContainer): boolean {
  if (rule.containerName && rule.containerName !== container.name) return false;
  const listed = rule.values.includes(container.exitCode);
  return rule.operator === 'In' ? listed : !listed;
}

function matchExitCodes(pod: StoredObject, rule: ExitCodesRule): TerminatedContainer | undefined {
  return failedContainers(pod).find((c) => exitCodeMatches(rule, c));
}

function matchPodConditions(pod: StoredObject, patterns: readonly PodConditionPattern[]): PodConditionPattern | undefined {
  const conditions: Array<{ type: string; status: string }> = pod.status?.conditions ?? [];
  return patterns.find((p) => conditions.some((c) => c.type === p.type && c.status === (p.status ?? 'True')));
}

function ruleMessage(pod: StoredObject, rule: PolicyRule, at: number): string | undefined {
  const podName = `${pod.metadata.namespace}/${pod.metadata.name}`;
  if (rule.onExitCodes) {
    const c = matchExitCodes(pod, rule.onExitCodes);
    return c && `Container ${c.name} for pod ${podName} failed with exit code ${c.exitCode} matching ${rule.action} rule at index ${at}`;
  }
  const p = rule.onPodConditions && matchPodConditions(pod, rule.onPodConditions);
  return p ? `Pod ${podName} has condition ${p.type} matching ${rule.action} rule at index ${at}` : undefined;
}

/** Matches a failed pod against `spec.podFailurePolicy`; no policy or no matching rule gives `Count`. */
export function matchFailurePolicy(policy: { rules?: readonly PolicyRule[] } | undefined, pod: StoredObject): FailureMatch {
  const rules = policy?.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const message = ruleMessage(pod, rules[i], i);
    if (message !== undefined) return { action: rules[i].action, message };
  }
  return { action: 'Count' };
}
