/**
 * Kubernetes' own Job create cases, ported as data from `TestValidateJob` in
 * `pkg/apis/batch/validation/validation_test.go` (kubernetes/kubernetes, 1.35 development line):
 * every success case and every error case, with the upstream error key kept as `upstream`.
 *
 * The upstream test calls `ValidateJob` directly, skipping the two steps a real API server runs
 * before it: defaulting (R001, R007) and selector/label generation (R010). Where those steps
 * change the outcome of a create request, the case says so in `serverSteps` and the expectation
 * is what the server does with the request (`accept`), and `update` holds the expectation when the
 * same object is sent as an update, where no selector or labels are generated.
 */

const UID = '1a2b3c';
const GENERATED = {
  'batch.kubernetes.io/controller-uid': UID,
  'controller-uid': UID,
  'batch.kubernetes.io/job-name': 'myjob',
  'job-name': 'myjob',
};
const container = (name: string) => ({ name, image: 'image', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' });

/** `podtest.MakePodSpec(...)`: container `ctr`, restartPolicy Always, dnsPolicy ClusterFirst. */
const podSpec = (overrides: Record<string, unknown> = {}) => ({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [container('ctr')], ...overrides });
/** `getValidPodTemplateSpecForGenerated`: generated labels, OnFailure, init container `def`. */
const generatedTemplate = (restartPolicy = 'OnFailure') => ({
  metadata: { labels: { ...GENERATED } },
  spec: podSpec({ restartPolicy, initContainers: [container('def')] }),
});
const manualSelector = { matchLabels: { a: 'b' } };
const manualTemplate = { metadata: { labels: { a: 'b' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) };
const meta = { name: 'myjob', namespace: 'default', uid: UID };

function job(spec: Record<string, unknown>, metadata: Record<string, unknown> = meta): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec };
}
/** A Job with the generated selector and template, plus `spec`. */
const gen = (spec: Record<string, unknown> = {}, restartPolicy = 'OnFailure') =>
  job({ selector: { matchLabels: { ...GENERATED } }, template: generatedTemplate(restartPolicy), ...spec });
const never = (spec: Record<string, unknown>) => gen(spec, 'Never');
const pfp = (rules: unknown[]) => never({ podFailurePolicy: { rules } });
const exit = (action: string, onExitCodes: Record<string, unknown>) => ({ action, onExitCodes });
const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

/** One ported case. */
export interface UpstreamCase {
  /** The upstream case name (success cases) or error key (error cases). */
  readonly upstream: string;
  readonly manifest: any;
  /** What the API server does with a create request of `manifest`. */
  readonly expect: 'accept' | 'reject';
  /** For rejections: the upstream error path, which the engine must report too. */
  readonly path?: string;
  /** The first version where every field of the case exists and is on; older targets reject it with FieldRequiresNewerKubernetes. */
  readonly since?: string;
  /** Why a real create request differs from the upstream unit test (defaulting or generation). */
  readonly serverSteps?: string;
  /** The expectation for the same object sent as an update of itself (no selector/label generation). */
  readonly update?: 'accept' | 'reject';
}

export const UPSTREAM_SUCCESS: UpstreamCase[] = [
  {
    upstream: 'valid success policy',
    since: '1.31',
    expect: 'accept',
    manifest: never({ completionMode: 'Indexed', completions: 10, successPolicy: { rules: [{ succeededCount: 1, succeededIndexes: '0,2,4' }, { succeededIndexes: '1,3,5-9' }] } }),
  },
  {
    upstream: 'valid pod failure policy with negative exitCodes - need for Windows support',
    expect: 'accept',
    manifest: pfp([exit('FailJob', { operator: 'NotIn', values: [-1073741819, -1073741676, -1073741510] })]),
  },
  {
    upstream: 'valid pod failure policy',
    expect: 'accept',
    manifest: pfp([
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onPodConditions: [{ type: 'CustomConditionType', status: 'False' }] },
      exit('Count', { containerName: 'ctr', operator: 'In', values: [1, 2, 3] }),
      exit('Ignore', { containerName: 'def', operator: 'In', values: [4] }),
      exit('FailJob', { operator: 'NotIn', values: [5, 6, 7] }),
    ]),
  },
  {
    upstream: 'valid pod failure policy with FailIndex',
    since: '1.29',
    expect: 'accept',
    manifest: never({
      completionMode: 'Indexed',
      completions: 2,
      backoffLimitPerIndex: 1,
      manualSelector: true,
      podFailurePolicy: { rules: [exit('FailIndex', { operator: 'In', values: [10] })] },
    }),
  },
  {
    upstream: 'valid manual selector',
    expect: 'accept',
    manifest: job({ selector: manualSelector, manualSelector: true, template: manualTemplate }, { ...meta, annotations: { foo: 'bar' } }),
  },
  { upstream: 'valid generated selector', expect: 'accept', manifest: gen() },
  { upstream: 'valid pod replacement', since: '1.29', expect: 'accept', manifest: gen({ podReplacementPolicy: 'TerminatingOrFailed' }) },
  { upstream: 'valid pod replacement with failed', since: '1.29', expect: 'accept', manifest: gen({ podReplacementPolicy: 'Failed' }) },
  {
    upstream: 'valid hostnet',
    expect: 'accept',
    manifest: job({
      selector: { matchLabels: { ...GENERATED } },
      template: {
        metadata: { labels: { ...GENERATED } },
        spec: podSpec({ restartPolicy: 'OnFailure', hostNetwork: true, initContainers: [container('def')], containers: [{ ...container('ctr'), ports: [{ containerPort: 12345, protocol: 'TCP' }] }] }),
      },
    }),
  },
  { upstream: 'valid NonIndexed completion mode', expect: 'accept', manifest: gen({ completionMode: 'NonIndexed' }) },
  { upstream: 'valid Indexed completion mode', expect: 'accept', manifest: gen({ completionMode: 'Indexed', completions: 2, parallelism: 100000 }) },
  {
    upstream: 'valid parallelism and maxFailedIndexes for high completions when backoffLimitPerIndex is used',
    since: '1.29',
    expect: 'accept',
    manifest: gen({ completions: 100000, parallelism: 100000, maxFailedIndexes: 100000, backoffLimitPerIndex: 1, completionMode: 'Indexed' }),
  },
  {
    upstream: 'valid parallelism and maxFailedIndexes for unlimited completions when backoffLimitPerIndex is used',
    since: '1.29',
    expect: 'accept',
    manifest: gen({ completions: 1_000_000_000, parallelism: 10_000, maxFailedIndexes: 10_000, backoffLimitPerIndex: 1, completionMode: 'Indexed' }),
  },
  { upstream: 'valid job tracking annotation', expect: 'accept', manifest: gen() },
  { upstream: 'valid batch labels', expect: 'accept', manifest: gen() },
  {
    upstream: 'do not allow new batch labels',
    expect: 'accept',
    update: 'accept',
    serverSteps: 'upstream runs this without RequirePrefixedLabels (a pre-1.27 Job); on create the server generates the batch.kubernetes.io/ labels, and on update their absence is tolerated when the stored Job lacked them (R101)',
    manifest: job({
      selector: { matchLabels: { 'controller-uid': UID } },
      template: { metadata: { labels: { 'controller-uid': UID, 'job-name': 'myjob' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) },
    }),
  },
  { upstream: 'valid managedBy field', since: '1.32', expect: 'accept', manifest: gen({ managedBy: 'example.com/foo' }) },
];

export const UPSTREAM_ERRORS: UpstreamCase[] = [
  { upstream: 'spec.managedBy: Too long: may not be more than 63 bytes', since: '1.32', expect: 'reject', path: 'spec.managedBy', manifest: gen({ managedBy: `example.com/${'x'.repeat(60)}` }) },
  { upstream: 'spec.managedBy: Invalid value: "invalid custom controller name": must be a domain-prefixed path (such as "acme.io/foo")', since: '1.32', expect: 'reject', path: 'spec.managedBy', manifest: gen({ managedBy: 'invalid custom controller name' }) },
  { upstream: 'spec.successPolicy: Invalid value: {"Rules":[]}: requires indexed completion mode', since: '1.31', expect: 'reject', path: 'spec.successPolicy', manifest: never({ successPolicy: { rules: [] } }) },
  { upstream: 'spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: {} }) },
  { upstream: 'spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0]', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{}] } }) },
  { upstream: 'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "invalid-format": error parsing succeededIndexes: cannot convert string to integer for index: "invalid"', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0].succeededIndexes', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: 'invalid-format' }] } }) },
  { upstream: 'spec.successPolicy.rules[0].succeededIndexes: Too long: may not be more than 65536 bytes', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0].succeededIndexes', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '1'.repeat(65537) }] } }) },
  { upstream: 'spec.successPolicy.rules[0].succeededCount: must be greater than or equal to 0', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0].succeededCount', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededCount: -1 }] } }) },
  { upstream: 'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0].succeededCount', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededCount: 6 }] } }) },
  { upstream: 'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of indexes in the specified succeededIndexes field)', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules[0].succeededCount', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededCount: 4, succeededIndexes: '0-2' }] } }) },
  { upstream: 'spec.successPolicy.rules: Too many: 21: must have at most 20 items', since: '1.31', expect: 'reject', path: 'spec.successPolicy.rules', manifest: never({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: range(21, () => ({ succeededCount: 5 })) } }) },
  { upstream: 'spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required', expect: 'reject', path: 'spec.podFailurePolicy.rules[0]', manifest: pfp([{ action: 'FailJob' }]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Duplicate value: 11', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]', manifest: pfp([exit('FailJob', { operator: 'In', values: [11, 11] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values: Too many: 256: must have at most 255 items', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values', manifest: pfp([exit('FailJob', { operator: 'In', values: range(256, (i) => i) })]) },
  { upstream: 'spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items', expect: 'reject', path: 'spec.podFailurePolicy.rules', manifest: pfp(range(21, (i) => exit('FailJob', { operator: 'In', values: [i + 1] }))) },
  { upstream: 'spec.podFailurePolicy.rules[0].onPodConditions: Too many: 21: must have at most 20 items', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onPodConditions', manifest: pfp([{ action: 'FailJob', onPodConditions: range(21, (i) => ({ type: `CustomType_${i}`, status: 'True' })) }]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 13', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values[2]', manifest: pfp([exit('FailJob', { operator: 'In', values: [12, 13, 13, 13] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [19,11]: must be ordered', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values', manifest: pfp([exit('FailJob', { operator: 'In', values: [19, 11] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []: at least one value is required', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values', manifest: pfp([exit('FailJob', { operator: 'In', values: [] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].action', manifest: pfp([exit('', { operator: 'In', values: [1, 2, 3] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.operator: Required value: valid values: ["In" "NotIn"]', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.operator', manifest: pfp([exit('FailJob', { operator: '', values: [1, 2, 3] })]) },
  {
    upstream: 'spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported',
    expect: 'reject',
    path: 'spec.podFailurePolicy.rules[0]',
    manifest: pfp([{ action: 'FailJob', onExitCodes: { containerName: 'ctr', operator: 'In', values: [1, 2, 3] }, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]),
  },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.values[1]', manifest: pfp([exit('Ignore', { operator: 'In', values: [1, 0, 2] })]) },
  {
    upstream: 'spec.podFailurePolicy.rules[1].onExitCodes.containerName: Invalid value: "xyz": must be one of the container or initContainer names in the pod template',
    expect: 'reject',
    path: 'spec.podFailurePolicy.rules[1].onExitCodes.containerName',
    manifest: pfp([exit('Ignore', { containerName: 'ctr', operator: 'In', values: [1, 2, 3] }), exit('FailJob', { containerName: 'xyz', operator: 'In', values: [5, 6, 7] })]),
  },
  { upstream: 'spec.podFailurePolicy.rules[0].action: Unsupported value: "UnknownAction": supported values: "Count", "FailIndex", "FailJob", "Ignore"', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].action', manifest: pfp([exit('UnknownAction', { containerName: 'ctr', operator: 'In', values: [1, 2, 3] })]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "UnknownOperator": supported values: "In", "NotIn"', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onExitCodes.operator', manifest: pfp([exit('Ignore', { operator: 'UnknownOperator', values: [1, 2, 3] })]) },
  {
    upstream: 'spec.podFailurePolicy.rules[0].onPodConditions[0].status: Required value: valid values: ["False" "True" "Unknown"]',
    expect: 'accept',
    update: 'accept',
    serverSteps: 'a Job\'s onPodConditions status is defaulted to True before validation (R007); the rejection is real in CronJob job templates before 1.34 (see the CronJob variant)',
    manifest: pfp([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }]),
  },
  { upstream: 'spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "UnknownStatus": supported values: "False", "True", "Unknown"', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onPodConditions[0].status', manifest: pfp([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'UnknownStatus' }] }]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: "": name part must be non-empty', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onPodConditions[0].type', manifest: pfp([{ action: 'Ignore', onPodConditions: [{ status: 'True' }] }]) },
  { upstream: 'spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: "Invalid Condition Type": name part must consist of alphanumeric characters …', expect: 'reject', path: 'spec.podFailurePolicy.rules[0].onPodConditions[0].type', manifest: pfp([{ action: 'Ignore', onPodConditions: [{ type: 'Invalid Condition Type', status: 'True' }] }]) },
  {
    upstream: 'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
    since: '1.29',
    expect: 'reject',
    path: 'spec.podReplacementPolicy',
    manifest: never({ podReplacementPolicy: 'TerminatingOrFailed', podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } }),
  },
  { upstream: 'spec.podReplacementPolicy: Unsupported value: "": supported values: "Failed", "TerminatingOrFailed"', since: '1.29', expect: 'reject', path: 'spec.podReplacementPolicy', manifest: never({ podReplacementPolicy: '' }) },
  {
    upstream: 'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    expect: 'reject',
    path: 'spec.template.spec.restartPolicy',
    manifest: job({ selector: { matchLabels: { ...GENERATED } }, template: { metadata: { labels: { ...GENERATED } }, spec: podSpec({ restartPolicy: 'OnFailure' }) }, podFailurePolicy: { rules: [] } }),
  },
  { upstream: 'spec.parallelism:must be greater than or equal to 0', expect: 'reject', path: 'spec.parallelism', manifest: gen({ parallelism: -1 }) },
  { upstream: 'spec.backoffLimit:must be greater than or equal to 0', expect: 'reject', path: 'spec.backoffLimit', manifest: gen({ backoffLimit: -1 }) },
  { upstream: 'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode', since: '1.29', expect: 'reject', path: 'spec.backoffLimitPerIndex', manifest: gen({ backoffLimitPerIndex: 1 }) },
  { upstream: 'spec.backoffLimitPerIndex:must be greater than or equal to 0', since: '1.29', expect: 'reject', path: 'spec.backoffLimitPerIndex', manifest: gen({ backoffLimitPerIndex: -1, completionMode: 'Indexed' }) },
  { upstream: 'spec.maxFailedIndexes: Invalid value: 11: must be less than or equal to completions', since: '1.29', expect: 'reject', path: 'spec.maxFailedIndexes', manifest: gen({ completions: 10, maxFailedIndexes: 11, backoffLimitPerIndex: 1, completionMode: 'Indexed' }) },
  { upstream: 'spec.maxFailedIndexes: Required value: must be specified when completions is above 100000', since: '1.29', expect: 'reject', path: 'spec.maxFailedIndexes', manifest: gen({ completions: 100_001, backoffLimitPerIndex: 1, completionMode: 'Indexed' }) },
  { upstream: 'spec.parallelism: Invalid value: 50000: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index', since: '1.29', expect: 'reject', path: 'spec.parallelism', manifest: gen({ completions: 100_001, parallelism: 50_000, backoffLimitPerIndex: 1, maxFailedIndexes: 1, completionMode: 'Indexed' }) },
  { upstream: 'spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 100000', since: '1.29', expect: 'reject', path: 'spec.maxFailedIndexes', manifest: gen({ completions: 100_001, backoffLimitPerIndex: 1, maxFailedIndexes: 100_001, completionMode: 'Indexed' }) },
  { upstream: 'spec.maxFailedIndexes: Invalid value: 50000: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index', since: '1.29', expect: 'reject', path: 'spec.maxFailedIndexes', manifest: gen({ completions: 100_001, backoffLimitPerIndex: 1, maxFailedIndexes: 50_000, completionMode: 'Indexed' }) },
  { upstream: 'spec.maxFailedIndexes:must be greater than or equal to 0', since: '1.29', expect: 'reject', path: 'spec.maxFailedIndexes', manifest: gen({ backoffLimitPerIndex: 1, maxFailedIndexes: -1, completionMode: 'Indexed' }) },
  { upstream: 'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified', since: '1.29', expect: 'reject', path: 'spec.backoffLimitPerIndex', manifest: gen({ maxFailedIndexes: 1, completionMode: 'Indexed' }) },
  { upstream: 'spec.completions:must be greater than or equal to 0', expect: 'reject', path: 'spec.completions', manifest: gen({ completions: -1 }) },
  { upstream: 'spec.activeDeadlineSeconds:must be greater than or equal to 0', expect: 'reject', path: 'spec.activeDeadlineSeconds', manifest: gen({ activeDeadlineSeconds: -1 }) },
  {
    upstream: 'spec.selector:Required value',
    expect: 'accept',
    update: 'reject',
    serverSteps: 'without manualSelector the server generates the selector on create (R010); an update without a selector is rejected',
    manifest: job({ template: generatedTemplate() }),
  },
  { upstream: 'spec.template.metadata.labels: Invalid value: {"y":"z"}: `selector` does not match template `labels`', expect: 'reject', path: 'spec.template.metadata.labels', manifest: job({ selector: manualSelector, manualSelector: true, template: { metadata: { labels: { y: 'z' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) } }) },
  { upstream: 'spec.template.metadata.labels: Invalid value: {"controller-uid":"4d5e6f"}: `selector` does not match template `labels`', expect: 'reject', path: 'spec.template.metadata.labels', manifest: job({ selector: manualSelector, manualSelector: true, template: { metadata: { labels: { 'controller-uid': '4d5e6f' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) } }) },
  { upstream: 'spec.template.spec.restartPolicy: Required value', expect: 'reject', path: 'spec.template.spec.restartPolicy', manifest: job({ selector: manualSelector, manualSelector: true, template: { metadata: { labels: { a: 'b' } }, spec: podSpec() } }) },
  { upstream: 'spec.template.spec.restartPolicy: Unsupported value', expect: 'reject', path: 'spec.template.spec.restartPolicy', manifest: job({ selector: manualSelector, manualSelector: true, template: { metadata: { labels: { a: 'b' } }, spec: podSpec({ restartPolicy: 'Invalid' }) } }) },
  { upstream: 'spec.ttlSecondsAfterFinished: must be greater than or equal to 0', expect: 'reject', path: 'spec.ttlSecondsAfterFinished', manifest: gen({ ttlSecondsAfterFinished: -1 }) },
  {
    upstream: 'spec.completions: Required value: when completion mode is Indexed',
    expect: 'accept',
    update: 'accept',
    serverSteps: 'with parallelism unset too, completions is defaulted to 1 before validation (R001, R035); the rejection is real when parallelism is set (see the variant)',
    manifest: gen({ completionMode: 'Indexed' }),
  },
  { upstream: 'spec.parallelism: must be less than or equal to 100000 when completion mode is Indexed', expect: 'reject', path: 'spec.parallelism', manifest: gen({ completionMode: 'Indexed', completions: 2, parallelism: 100001 }) },
  {
    upstream: "spec.template.metadata.labels[controller-uid]: Required value: must be '1a2b3c'",
    expect: 'accept',
    update: 'reject',
    serverSteps: 'on create the server adds the missing generated labels (R010); an update that lacks them is rejected',
    manifest: job({ selector: { matchLabels: { 'controller-uid': UID } }, template: { metadata: { labels: { 'job-name': 'myjob' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) } }),
  },
  {
    upstream: 'metadata.uid: Required value',
    expect: 'reject',
    path: 'spec.selector',
    update: 'reject',
    serverSteps: 'the server assigns the uid; the user-set selector controller-uid=test can never equal it, so the engine reports spec.selector (`selector` not auto-generated)',
    manifest: job({ selector: { matchLabels: { 'controller-uid': 'test' } }, template: { metadata: { labels: { 'job-name': 'myjob' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) } }, { name: 'myjob', namespace: 'default' }),
  },
  { upstream: 'spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` not auto-generated', expect: 'reject', path: 'spec.selector', manifest: job({ selector: { matchLabels: { a: 'b' } }, template: generatedTemplate() }) },
  {
    upstream: "spec.template.metadata.labels[batch.kubernetes.io/controller-uid]: Required value: must be '1a2b3c'",
    expect: 'accept',
    update: 'reject',
    serverSteps: 'on create the server adds the missing generated labels (R010); an update that lacks them is rejected',
    manifest: job({
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'myjob', 'controller-uid': UID, 'job-name': 'myjob' } }, spec: podSpec({ restartPolicy: 'OnFailure' }) },
    }),
  },
];

/** Variants that keep the intent of the cases the server's defaulting or generation turns into accepts. */
export const SERVER_STEP_VARIANTS: UpstreamCase[] = [
  {
    upstream: 'spec.completions: Required value: when completion mode is Indexed (parallelism set, so completions is not defaulted)',
    expect: 'reject',
    path: 'spec.completions',
    manifest: gen({ completionMode: 'Indexed', parallelism: 2 }),
  },
  {
    upstream: 'spec.selector: Required value (manualSelector: true)',
    expect: 'reject',
    path: 'spec.selector',
    manifest: job({ manualSelector: true, template: manualTemplate }),
  },
];

/** The onPodConditions status case in a CronJob job template, where it is not defaulted before 1.34 (R007, R063). */
export const CRONJOB_STATUS_CASE = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'mycronjob', namespace: 'default' },
  spec: {
    schedule: '* * * * ?',
    concurrencyPolicy: 'Allow',
    jobTemplate: {
      spec: {
        template: { spec: podSpec({ restartPolicy: 'Never' }) },
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      },
    },
  },
};
