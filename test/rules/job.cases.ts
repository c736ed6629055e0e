/**
 * Table cases for the Job rules (`src/rules/job.rules.ts`, `job-policies.ts`, `pod-template.ts`,
 * `job-update.rules.ts`), exported as data so that every rule code can be checked for rows.
 *
 * Shape: `CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string; update?: boolean }>`
 * - `code`: the rule code the entry is about (a code may have several entries, e.g. per version).
 * - `valid`: manifests that must produce no error at all on `version` (warnings allowed, except the
 *   entry's own code).
 * - `invalid`: manifests that must produce at least one violation with `code` on `version`.
 * - `version`: target Kubernetes minor version; default `DEFAULT_CASE_VERSION` (1.35).
 * - `update`: when `true`, every row is `{ old, new }` and is checked with `validateUpdate(old, new)`.
 */

/** The version used when an entry has none. */
export const DEFAULT_CASE_VERSION = '1.35';

/** A pod spec that is valid for a Job. */
export const POD = { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] };

/** A pod template with `POD` plus `overrides` in its spec. */
export function pod(overrides: Record<string, unknown> = {}, metadata?: Record<string, unknown>): any {
  // A fresh copy each time: tests that mutate a manifest must not change the shared POD.
  return { ...(metadata ? { metadata } : {}), spec: { ...structuredClone(POD), ...overrides } };
}

/** A valid Job named `work`, with `spec` fields and `metadata` fields merged in. */
export function job(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'work', ...metadata }, spec: { template: pod(), ...spec } };
}

/** A valid Indexed Job with `completions` and more `spec` fields. */
export function indexed(completions: number, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): any {
  return job({ completionMode: 'Indexed', completions, ...spec }, metadata);
}

/** A valid CronJob whose job template spec gets `jobSpec` merged in. */
export function cronJob(jobSpec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: pod(), ...jobSpec } } },
  };
}

/** A Job as a cluster stores it: uid, generated selector and labels. */
export function stored(spec: Record<string, unknown> = {}, uid = '7c9e6679-7425-40de-944b-e07fc1f90ae7'): any {
  const labels = { 'controller-uid': uid, 'job-name': 'work', 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'work' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'work', namespace: 'default', uid, labels },
    spec: {
      parallelism: 1,
      completions: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: pod({}, { labels }),
      ...spec,
    },
  };
}

const manual = (labels: Record<string, string>, selector: unknown = { matchLabels: labels }) =>
  job({ manualSelector: true, selector, template: pod({}, { labels }) });

const pfp = (rules: unknown[], spec: Record<string, unknown> = {}) => job({ podFailurePolicy: { rules }, ...spec });
const exitRule = (onExitCodes: unknown, action = 'FailJob') => ({ action, onExitCodes });
const condRule = (onPodConditions: unknown, action = 'Ignore') => ({ action, onPodConditions });
const sp = (rules: unknown, completions = 10) => indexed(completions, { successPolicy: { rules } });
const containersPod = (containers: unknown[], initContainers?: unknown[]) =>
  job({ template: { spec: { restartPolicy: 'Never', containers, ...(initContainers ? { initContainers } : {}) } } });

const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
const a = (n: number) => 'a'.repeat(n);

/** Update-case helper: the stored Job and a changed copy. */
function change(old: any, mutate: (j: any) => void): { old: any; new: any } {
  const next = JSON.parse(JSON.stringify(old));
  mutate(next);
  return { old, new: next };
}

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string; update?: boolean }> = [
  // JSON type layer
  {
    code: 'FieldTypeInvalid',
    valid: [job({ parallelism: 2 }), job({ suspend: false, activeDeadlineSeconds: 3600 })],
    invalid: [job({ parallelism: 'four' }), job({ suspend: 'yes' }), job({}, { labels: { app: 1 } }), job({ completions: 1.5 }), job({ backoffLimit: 2 ** 31 })],
  },
  {
    code: 'FieldUnknown',
    valid: [job({ ttlSecondsAfterFinished: 60 })],
    invalid: [job({ backoffLimt: 3 }), cronJob({ paralelism: 2 })],
  },
  // metadata
  {
    code: 'JobNameRequired',
    valid: [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'work-' }, spec: { template: pod() } }],
    invalid: [job({}, { name: '' }), { apiVersion: 'batch/v1', kind: 'Job', spec: { template: pod() } }],
  },
  {
    code: 'JobNameInvalid',
    valid: [job({}, { name: 'db.migrate' }), job({}, { name: 'work-1' })],
    invalid: [job({}, { name: 'Work' }), job({}, { name: 'work_1' }), job({}, { name: '-work' })],
  },
  {
    code: 'GenerateNameInvalid',
    valid: [
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'work-' }, spec: { template: pod() } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'db.migrate' }, spec: { template: pod() } },
    ],
    invalid: [
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'Work-' }, spec: { template: pod() } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: '-work' }, spec: { template: pod() } },
    ],
  },
  {
    code: 'JobNameTooLongForLabel',
    valid: [job({}, { name: a(63) }), { ...manual({ a: 'b' }), metadata: { name: a(70) } }],
    invalid: [job({}, { name: a(64) }), job({}, { name: 'work-' })],
  },
  {
    code: 'IndexedJobHostnameInvalid',
    valid: [indexed(10, {}, { name: a(61) }), indexed(0, {}, { name: 'db.shard' }), job({ completions: 10 }, { name: 'db.shard' })],
    invalid: [
      indexed(10, {}, { name: a(62) }),
      indexed(2, {}, { name: 'db.shard' }),
      // the server keeps 58 characters of generateName and appends 5: "<63 characters>-9" is too long
      { ...indexed(10, {}, {}), metadata: { generateName: `${a(60)}-` } },
    ],
  },
  {
    code: 'JobNameNotDnsLabel',
    valid: [job({}, { name: 'migrate' })],
    invalid: [job({}, { name: 'db.migrate' })],
  },
  {
    code: 'LabelInvalid',
    valid: [job({}, { labels: { 'app.kubernetes.io/name': 'work', 'tier': '' } })],
    invalid: [job({}, { labels: { 'bad key!': 'x' } }), job({}, { labels: { app: 'has space' } }), job({}, { labels: { app: a(64) } })],
  },
  {
    code: 'AnnotationInvalid',
    valid: [job({}, { annotations: { 'example.com/note': 'any text, even with spaces!' } })],
    invalid: [job({}, { annotations: { 'bad key!': 'x' } }), job({}, { annotations: { big: 'x'.repeat(300 * 1024) } })],
  },
  // selector and generated labels
  {
    code: 'SelectorRequired',
    valid: [manual({ a: 'b' }), job()],
    invalid: [job({ manualSelector: true, template: pod({}, { labels: { a: 'b' } }) })],
  },
  {
    code: 'SelectorInvalid',
    valid: [manual({ a: 'b' }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] })],
    invalid: [
      manual({ a: 'b' }, { matchExpressions: [{ key: 'a', operator: 'Is', values: ['b'] }] }),
      manual({ a: 'b' }, { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      manual({ a: 'b' }, { matchLabels: { 'bad key!': 'b' } }),
    ],
  },
  {
    code: 'SelectorDoesNotMatchTemplate',
    valid: [manual({ a: 'b', c: 'd' }, { matchLabels: { a: 'b' } }), stored()],
    invalid: [job({ manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: pod({}, { labels: { y: 'z' } }) })],
  },
  {
    code: 'GeneratedLabelInvalid',
    valid: [job({ template: pod({}, { labels: { 'job-name': 'work', 'app': 'x' } }) }), stored()],
    invalid: [
      job({ template: pod({}, { labels: { 'controller-uid': 'abc' } }) }),
      job({ template: pod({}, { labels: { 'batch.kubernetes.io/job-name': 'other' } }) }),
      stored({ template: pod({}, { labels: { 'controller-uid': 'other', 'job-name': 'work' } }) }),
    ],
  },
  {
    code: 'SelectorNotAutoGenerated',
    valid: [stored(), job({ selector: { matchLabels: { 'job-name': 'work' } } })],
    invalid: [job({ selector: { matchLabels: { a: 'b' } }, template: pod({}, { labels: { a: 'b' } }) })],
  },
  // numeric fields
  ...([
    ['ParallelismNegative', 'parallelism'],
    ['CompletionsNegative', 'completions'],
    ['ActiveDeadlineSecondsNegative', 'activeDeadlineSeconds'],
    ['BackoffLimitNegative', 'backoffLimit'],
    ['TtlSecondsAfterFinishedNegative', 'ttlSecondsAfterFinished'],
  ] as const).map(([code, key]) => ({
    code,
    valid: [job({ [key]: key === 'activeDeadlineSeconds' ? 1 : 0 }), job({ [key]: 5 })],
    invalid: [job({ [key]: -1 }), cronJob({ [key]: -1 })],
  })),
  {
    code: 'BackoffLimitPerIndexNegative',
    valid: [indexed(3, { backoffLimitPerIndex: 0 })],
    invalid: [indexed(3, { backoffLimitPerIndex: -1 })],
  },
  {
    code: 'MaxFailedIndexesNegative',
    valid: [indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: 0 })],
    invalid: [indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: -1 })],
  },
  // completionMode and Indexed limits
  {
    code: 'CompletionModeUnsupported',
    valid: [indexed(3), job({ completionMode: 'NonIndexed' })],
    invalid: [job({ completionMode: 'indexed' }), cronJob({ completionMode: 'Parallel' })],
  },
  {
    code: 'IndexedJobRequiresCompletions',
    valid: [job({ completionMode: 'Indexed' }), indexed(5, { parallelism: 3 })],
    invalid: [job({ completionMode: 'Indexed', parallelism: 3 })],
  },
  {
    code: 'IndexedParallelismTooHigh',
    valid: [indexed(2, { parallelism: 100000 }), job({ parallelism: 200000 })],
    invalid: [indexed(2, { parallelism: 100001 })],
  },
  {
    code: 'MaxFailedIndexesExceedsCompletions',
    valid: [indexed(10, { backoffLimitPerIndex: 1, maxFailedIndexes: 10 })],
    invalid: [indexed(10, { backoffLimitPerIndex: 1, maxFailedIndexes: 11 })],
  },
  {
    code: 'MaxFailedIndexesTooHigh',
    valid: [indexed(100000, { parallelism: 10, backoffLimitPerIndex: 1, maxFailedIndexes: 100000 })],
    invalid: [indexed(200000, { parallelism: 10, backoffLimitPerIndex: 1, maxFailedIndexes: 100001 })],
  },
  {
    code: 'MaxFailedIndexesRequiredForLargeJob',
    valid: [
      indexed(100000, { parallelism: 10, backoffLimitPerIndex: 1 }),
      indexed(100001, { parallelism: 10, backoffLimitPerIndex: 1, maxFailedIndexes: 5 }),
    ],
    invalid: [indexed(100001, { parallelism: 10, backoffLimitPerIndex: 1 })],
  },
  {
    code: 'ParallelismTooHighForLargePerIndexJob',
    valid: [indexed(1_000_000_000, { parallelism: 10000, maxFailedIndexes: 10000, backoffLimitPerIndex: 1 }, { name: 'w' })],
    invalid: [indexed(100001, { parallelism: 50000, maxFailedIndexes: 1, backoffLimitPerIndex: 1 })],
  },
  {
    code: 'MaxFailedIndexesTooHighForLargeJob',
    valid: [indexed(100001, { parallelism: 10, maxFailedIndexes: 10000, backoffLimitPerIndex: 1 })],
    invalid: [indexed(100001, { parallelism: 10, maxFailedIndexes: 50000, backoffLimitPerIndex: 1 })],
  },
  {
    code: 'LargeIndexedJobTracking',
    valid: [indexed(100001, { parallelism: 10000 })],
    invalid: [indexed(100001, { parallelism: 10001 })],
  },
  {
    code: 'MaxFailedIndexesRequiresBackoffLimitPerIndex',
    valid: [indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: 1 })],
    invalid: [indexed(3, { maxFailedIndexes: 1 })],
  },
  {
    code: 'BackoffLimitPerIndexRequiresIndexed',
    valid: [indexed(3, { backoffLimitPerIndex: 1 })],
    invalid: [job({ backoffLimitPerIndex: 1 }), cronJob({ backoffLimitPerIndex: 1, completionMode: 'NonIndexed' })],
  },
  {
    code: 'MaxFailedIndexesRequiresIndexed',
    valid: [indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: 2 })],
    invalid: [job({ backoffLimitPerIndex: 1, maxFailedIndexes: 1 })],
  },
  {
    code: 'BackoffLimitPerIndexWithoutNever',
    valid: [indexed(3, { backoffLimitPerIndex: 1 })],
    invalid: [indexed(3, { backoffLimitPerIndex: 1, template: pod({ restartPolicy: 'OnFailure' }) })],
  },
  {
    code: 'ActiveDeadlineSecondsZero',
    valid: [job({ activeDeadlineSeconds: 600 })],
    invalid: [job({ activeDeadlineSeconds: 0 })],
  },
  // podFailurePolicy
  {
    code: 'PodFailurePolicyRequiresRestartPolicyNever',
    valid: [pfp([])],
    invalid: [pfp([], { template: pod({ restartPolicy: 'OnFailure' }) })],
  },
  {
    code: 'PodFailurePolicyTooManyRules',
    valid: [pfp(range(20, (i) => exitRule({ operator: 'In', values: [i + 1] })))],
    invalid: [pfp(range(21, (i) => exitRule({ operator: 'In', values: [i + 1] })))],
  },
  {
    code: 'PodFailurePolicyActionInvalid',
    valid: [pfp([exitRule({ operator: 'In', values: [1] }, 'Count')]), pfp([condRule([{ type: 'DisruptionTarget' }], 'Ignore')])],
    invalid: [
      pfp([exitRule({ operator: 'In', values: [1] }, '')]),
      pfp([{ onExitCodes: { operator: 'In', values: [1] } }]),
      pfp([exitRule({ operator: 'In', values: [1] }, 'UnknownAction')]),
    ],
  },
  {
    code: 'FailIndexRequiresBackoffLimitPerIndex',
    valid: [indexed(2, { backoffLimitPerIndex: 1, podFailurePolicy: { rules: [exitRule({ operator: 'In', values: [10] }, 'FailIndex')] } })],
    invalid: [indexed(2, { podFailurePolicy: { rules: [exitRule({ operator: 'In', values: [10] }, 'FailIndex')] } })],
  },
  {
    code: 'PodFailurePolicyRuleRequirementInvalid',
    valid: [pfp([{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [] }])],
    invalid: [
      pfp([{ action: 'FailJob' }]),
      pfp([{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]),
    ],
  },
  {
    code: 'OnExitCodesOperatorInvalid',
    valid: [pfp([exitRule({ operator: 'NotIn', values: [0] })])],
    invalid: [pfp([exitRule({ operator: '', values: [1] })]), pfp([exitRule({ operator: 'UnknownOperator', values: [1] })]), pfp([exitRule({ values: [1] })])],
  },
  {
    code: 'OnExitCodesContainerNameUnknown',
    valid: [
      pfp([exitRule({ containerName: 'main', operator: 'In', values: [1] })]),
      job({
        podFailurePolicy: { rules: [exitRule({ containerName: 'setup', operator: 'In', values: [1] })] },
        template: pod({ initContainers: [{ name: 'setup', image: 'busybox' }] }),
      }),
    ],
    invalid: [pfp([exitRule({ containerName: 'xyz', operator: 'In', values: [1] })])],
  },
  {
    code: 'OnExitCodesValuesCount',
    valid: [pfp([exitRule({ operator: 'In', values: range(255, (i) => i + 1) })])],
    invalid: [pfp([exitRule({ operator: 'In', values: [] })]), pfp([exitRule({ operator: 'In', values: range(256, (i) => i) })])],
  },
  {
    code: 'OnExitCodesZeroWithIn',
    valid: [pfp([exitRule({ operator: 'NotIn', values: [0, 1] })])],
    invalid: [pfp([exitRule({ operator: 'In', values: [0, 1] })])],
  },
  {
    code: 'OnExitCodesValuesDuplicate',
    valid: [pfp([exitRule({ operator: 'In', values: [1, 2] })])],
    invalid: [pfp([exitRule({ operator: 'In', values: [11, 11] })]), pfp([exitRule({ operator: 'In', values: [12, 13, 13, 13] })])],
  },
  {
    code: 'OnExitCodesValuesNotOrdered',
    valid: [pfp([exitRule({ operator: 'In', values: [1, 2, 3] })])],
    invalid: [pfp([exitRule({ operator: 'In', values: [19, 11] })])],
  },
  {
    code: 'ExitCodeOutOfRange',
    valid: [pfp([exitRule({ operator: 'In', values: [1, 255] })])],
    invalid: [pfp([exitRule({ operator: 'NotIn', values: [-1073741819] })]), pfp([exitRule({ operator: 'In', values: [256] })])],
  },
  {
    code: 'OnPodConditionsTooMany',
    valid: [pfp([condRule(range(20, (i) => ({ type: `Custom_${i}`, status: 'True' })))])],
    invalid: [pfp([condRule(range(21, (i) => ({ type: `Custom_${i}`, status: 'True' })))])],
  },
  {
    code: 'OnPodConditionTypeInvalid',
    valid: [pfp([condRule([{ type: 'DisruptionTarget', status: 'True' }, { type: 'example.com/Custom', status: 'False' }])])],
    invalid: [pfp([condRule([{ status: 'True' }])]), pfp([condRule([{ type: 'Invalid Condition Type', status: 'True' }])])],
  },
  {
    code: 'OnPodConditionStatusInvalid',
    valid: [pfp([condRule([{ type: 'DisruptionTarget' }])]), pfp([condRule([{ type: 'DisruptionTarget', status: 'Unknown' }])])],
    invalid: [pfp([condRule([{ type: 'DisruptionTarget', status: 'UnknownStatus' }])])],
  },
  {
    code: 'OnPodConditionStatusInvalid',
    version: '1.33',
    valid: [cronJob({ podFailurePolicy: { rules: [condRule([{ type: 'DisruptionTarget', status: 'True' }])] } })],
    invalid: [cronJob({ podFailurePolicy: { rules: [condRule([{ type: 'DisruptionTarget' }])] } })],
  },
  {
    code: 'OnPodConditionStatusInvalid',
    version: '1.34',
    valid: [cronJob({ podFailurePolicy: { rules: [condRule([{ type: 'DisruptionTarget' }])] } })],
    invalid: [cronJob({ podFailurePolicy: { rules: [condRule([{ type: 'DisruptionTarget', status: 'true' }])] } })],
  },
  // podReplacementPolicy, managedBy, job template selector
  {
    code: 'PodReplacementPolicyUnsupported',
    valid: [job({ podReplacementPolicy: 'Failed' }), job({ podReplacementPolicy: 'TerminatingOrFailed' })],
    invalid: [job({ podReplacementPolicy: 'Sometimes' }), job({ podReplacementPolicy: '' })],
  },
  {
    code: 'PodReplacementPolicyMustBeFailed',
    valid: [pfp([condRule([{ type: 'DisruptionTarget' }])]), pfp([], { podReplacementPolicy: 'Failed' })],
    invalid: [pfp([condRule([{ type: 'DisruptionTarget', status: 'True' }])], { podReplacementPolicy: 'TerminatingOrFailed' })],
  },
  {
    code: 'ManagedByInvalid',
    valid: [job({ managedBy: 'example.com/foo' }), job({ managedBy: 'kueue.x-k8s.io/multikueue' }), job({ managedBy: 'kubernetes.io/job-controller' })],
    invalid: [job({ managedBy: 'invalid custom controller name' }), job({ managedBy: '' }), job({ managedBy: 'example.com/' }), job({ managedBy: 'Example.com/foo' })],
  },
  {
    code: 'ManagedByTooLong',
    valid: [job({ managedBy: `example.com/${'x'.repeat(51)}` })],
    invalid: [job({ managedBy: `example.com/${'x'.repeat(60)}` })],
  },
  {
    code: 'JobTemplateSelectorNotAllowed',
    valid: [cronJob(), cronJob({ manualSelector: false })],
    invalid: [cronJob({ selector: { matchLabels: { a: 'b' } } }), cronJob({ manualSelector: true })],
  },
  // successPolicy
  {
    code: 'SuccessPolicyRequiresIndexed',
    valid: [sp([{ succeededCount: 1 }])],
    invalid: [job({ successPolicy: { rules: [] } }), job({ successPolicy: { rules: [{ succeededCount: 1 }] } })],
  },
  {
    code: 'SuccessPolicyRulesCount',
    valid: [sp([{ succeededCount: 1, succeededIndexes: '0,2,4' }, { succeededIndexes: '1,3,5-9' }])],
    invalid: [sp([]), indexed(5, { successPolicy: {} }), sp(range(21, () => ({ succeededCount: 5 })))],
  },
  {
    code: 'SuccessPolicyRuleEmpty',
    valid: [sp([{ succeededIndexes: '0' }])],
    invalid: [sp([{}])],
  },
  {
    code: 'SucceededIndexesInvalid',
    valid: [sp([{ succeededIndexes: '0,2,4' }, { succeededIndexes: '1,3,5-9' }]), sp([{ succeededIndexes: '+1,02' }])],
    invalid: [
      sp([{ succeededIndexes: 'invalid-format' }]),
      sp([{ succeededIndexes: '1-3-5' }]),
      sp([{ succeededIndexes: '3-1' }]),
      sp([{ succeededIndexes: '2,1' }]),
      sp([{ succeededIndexes: '10' }]),
      sp([{ succeededIndexes: '1, 2' }]),
      sp([{ succeededIndexes: '1'.repeat(65537) }]),
    ],
  },
  {
    code: 'SucceededCountNegative',
    valid: [sp([{ succeededCount: 1 }])],
    invalid: [sp([{ succeededCount: -1 }], 5)],
  },
  {
    code: 'SucceededCountTooHigh',
    valid: [sp([{ succeededCount: 3, succeededIndexes: '0-2' }], 5)],
    invalid: [sp([{ succeededCount: 6 }], 5), sp([{ succeededCount: 4, succeededIndexes: '0-2' }], 5)],
  },
  {
    code: 'SucceededCountZero',
    valid: [sp([{ succeededCount: 1 }])],
    invalid: [sp([{ succeededCount: 0 }])],
  },
  {
    code: 'SucceededIndexesEmpty',
    valid: [sp([{ succeededIndexes: '0' }])],
    invalid: [sp([{ succeededIndexes: '' }])],
  },
  // pod template
  {
    code: 'RestartPolicyNotAllowed',
    valid: [job({ template: pod({ restartPolicy: 'OnFailure' }) }), cronJob()],
    invalid: [job({ template: { spec: { containers: [{ name: 'main', image: 'busybox' }] } } }), job({ template: pod({ restartPolicy: 'Always' }) }), cronJob({ template: pod({ restartPolicy: 'Always' }) })],
  },
  {
    code: 'RestartPolicyUnsupported',
    valid: [job({ template: pod({ restartPolicy: 'Never' }) })],
    invalid: [job({ template: pod({ restartPolicy: 'Invalid' }) }), job({ template: pod({ restartPolicy: 'never' }) })],
  },
  {
    code: 'PodContainersRequired',
    valid: [job()],
    invalid: [containersPod([]), job({ template: { spec: { restartPolicy: 'Never' } } }), cronJob({ template: undefined })],
  },
  {
    code: 'ContainerNameInvalid',
    valid: [containersPod([{ name: 'main', image: 'a' }], [{ name: 'setup', image: 'b' }])],
    invalid: [
      containersPod([{ image: 'a' }]),
      containersPod([{ name: 'Main', image: 'a' }]),
      containersPod([{ name: 'x', image: 'a' }], [{ name: 'x', image: 'b' }]),
      // A null item decodes as an empty container.
      containersPod([null]),
    ],
  },
  {
    code: 'ContainerImageRequired',
    valid: [containersPod([{ name: 'main', image: 'a' }]), containersPod([{ name: 'main', image: ' ' }])],
    invalid: [containersPod([{ name: 'main' }]), containersPod([{ name: 'main', image: 'a' }], [{ name: 'setup', image: '' }]), containersPod([{ name: 'main', image: 'a' }], [null])],
  },
  {
    // Before ContainerRestartRules (1.28–1.33): only init containers, and only Always.
    code: 'ContainerRestartPolicyInvalid',
    version: '1.33',
    valid: [containersPod([{ name: 'main', image: 'a' }], [{ name: 'proxy', image: 'b', restartPolicy: 'Always' }])],
    invalid: [
      containersPod([{ name: 'main', image: 'a', restartPolicy: 'Always' }]),
      containersPod([{ name: 'main', image: 'a' }], [{ name: 'proxy', image: 'b', restartPolicy: 'OnFailure' }]),
    ],
  },
  {
    // ContainerRestartRules on by default from 1.35: every container may set a restartPolicy.
    code: 'ContainerRestartPolicyInvalid',
    valid: [
      containersPod([{ name: 'main', image: 'a', restartPolicy: 'Never' }], [{ name: 'prep', image: 'b', restartPolicy: 'OnFailure' }]),
      containersPod([{ name: 'main', image: 'a', restartPolicy: 'Never', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }] }]),
    ],
    invalid: [
      containersPod([{ name: 'main', image: 'a', restartPolicy: 'Sometimes' }]),
      containersPod([{ name: 'main', image: 'a' }], [{ name: 'proxy', image: 'b', restartPolicy: 'always' }]),
      containersPod([{ name: 'main', image: 'a', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }] }]),
      containersPod([{ name: 'main', image: 'a', restartPolicy: 'Never', restartPolicyRules: [{ action: 'Retry' }] }]),
      containersPod([{ name: 'main', image: 'a' }], [{ name: 'proxy', image: 'b', restartPolicy: 'Always', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [1] } }] }]),
    ],
  },
  {
    code: 'PodActiveDeadlineSecondsInvalid',
    valid: [job({ template: pod({ activeDeadlineSeconds: 60 }) })],
    invalid: [job({ template: pod({ activeDeadlineSeconds: 0 }) })],
  },
  {
    code: 'TemplateLabelInvalid',
    valid: [job({ template: pod({}, { labels: { app: 'work' } }) })],
    invalid: [job({ template: pod({}, { labels: { app: 'bad value!' } }) }), cronJob({ template: pod({}, { labels: { '/x': 'y' } }) })],
  },
  {
    code: 'TemplateAnnotationInvalid',
    valid: [job({ template: pod({}, { annotations: { 'example.com/a': 'x y z' } }) })],
    invalid: [job({ template: pod({}, { annotations: { 'bad key!': 'x' } }) })],
  },
  // update rules
  {
    code: 'FieldImmutable',
    update: true,
    valid: [
      change(stored(), (j) => {
        j.spec.parallelism = 2;
        j.spec.activeDeadlineSeconds = 3;
        j.spec.ttlSecondsAfterFinished = 2;
        j.spec.backoffLimit = 1;
      }),
      change(stored({ suspend: true }), (j) => {
        j.spec.template.spec.nodeSelector = { zone: 'a' };
        j.spec.template.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
        j.spec.template.metadata.annotations = { note: 'x' };
        j.spec.suspend = false;
      }),
      change(stored({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 }), (j) => {
        j.spec.maxFailedIndexes = 1;
      }),
      { old: stored(), new: stored() },
    ],
    invalid: [
      change(stored(), (j) => { j.spec.completions = 3; }),
      change(stored(), (j) => { j.spec.selector.matchLabels.foo = 'bar'; }),
      change(stored(), (j) => { j.spec.template.spec.containers[0].image = 'busybox:1.37'; }),
      change(stored(), (j) => { j.spec.template.spec.nodeSelector = { zone: 'a' }; }),
      change({ ...stored({ suspend: true }), status: { startTime: '2026-01-01T00:00:00Z' } }, (j) => { j.spec.template.spec.nodeSelector = { zone: 'a' }; }),
      change(stored({ suspend: true }), (j) => { j.spec.template.spec.containers[0].image = 'busybox:1.37'; }),
      change(stored({ completionMode: 'Indexed', completions: 2 }), (j) => { j.spec.completionMode = 'NonIndexed'; }),
      change(stored(), (j) => { j.spec.podFailurePolicy = { rules: [] }; }),
      change(stored({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 }), (j) => { j.spec.backoffLimitPerIndex = 2; }),
      change(stored({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '1-3' }] } }), (j) => { delete j.spec.successPolicy; }),
      change(stored(), (j) => { j.spec.managedBy = 'example.com/custom-controller'; }),
      change(stored(), (j) => { j.metadata.name = 'other'; }),
    ],
  },
  {
    code: 'CompletionsChangeRequiresParallelism',
    update: true,
    valid: [
      change(stored({ completionMode: 'Indexed', completions: 1, parallelism: 1 }), (j) => { j.spec.completions = 2; j.spec.parallelism = 2; }),
      change(stored({ completionMode: 'Indexed', completions: 2, parallelism: 2 }), (j) => { j.spec.parallelism = 3; }),
    ],
    invalid: [change(stored({ completionMode: 'Indexed', completions: 1, parallelism: 1 }), (j) => { j.spec.completions = 2; j.spec.parallelism = 3; })],
  },
];
