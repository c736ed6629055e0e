/**
 * Where the emulator knowingly answers differently from a real API server (each explained in
 * docs/emulator-conformance.md). The emulator's observation is compared without these paths;
 * the real API server's is compared whole.
 */

/** A difference: the scenario, the path of the observed value (dot-separated), and why it stays. */
export interface KnownDifference {
  readonly scenario: string;
  readonly path: string;
  readonly why: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    scenario: '422 Invalid with causes',
    path: 'badJob.body.message',
    why: 'Job and CronJob validation comes from the rules engine, whose messages name the rule code and the value received',
  },
  {
    scenario: '422 Invalid with causes',
    path: 'badJob.body.details.causes',
    why: 'the same rules-engine message in the cause (field and reason match the API server)',
  },
  {
    scenario: 'merge, JSON and strategic-merge patches',
    path: 'strategic.containers',
    why: 'a strategic merge patch adds new merge-keyed items after the existing ones; the API server puts the patch order first',
  },
  {
    scenario: 'chunked list',
    path: 'badToken.body.message',
    why: "the API server's message quotes Go's JSON decoder error for a malformed token",
  },
  {
    scenario: 'Events in both APIs',
    path: 'missingTime.body',
    why: 'the API server validates events.k8s.io Events in their core/v1 form (field names involvedObject.*, message without the group); the emulator names the events.k8s.io fields',
  },
];

/** `value` without the path `path` (dot-separated keys). */
export function withoutPath(value: unknown, path: string): unknown {
  const [head, ...rest] = path.split('.');
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !(head in value)) return value;
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest.join('.'));
  return copy;
}
