/**
 * Table cases for the versioned rules (`src/rules/features.rules.ts`), exported as data.
 *
 * Shape: `CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string }>`
 * - `valid`: manifests that must produce no error at all on `version`.
 * - `invalid`: manifests that must produce at least one violation with `code` on `version`.
 * - `version`: target Kubernetes minor version (always given here: the point of these rules).
 */
import { cronJob, indexed, job, pod } from './job.cases';

const failIndex = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] };
const sidecar = { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] };

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string }> = [
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.28',
    valid: [
      job(),
      job({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }),
      indexed(3, { parallelism: 3 }),
    ],
    invalid: [
      indexed(3, { backoffLimitPerIndex: 1 }),
      indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: 1 }),
      indexed(3, { backoffLimitPerIndex: 1, podFailurePolicy: failIndex }),
      job({ podReplacementPolicy: 'Failed' }),
      job({ template: pod(sidecar) }),
      cronJob({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 }),
    ],
  },
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.29',
    valid: [indexed(3, { backoffLimitPerIndex: 1, maxFailedIndexes: 1, podFailurePolicy: failIndex }), job({ podReplacementPolicy: 'Failed' }), job({ template: pod(sidecar) })],
    invalid: [],
  },
  {
    // Not in the 1.28 and 1.29 schemas at all: strict field validation rejects them as unknown.
    code: 'FieldUnknown',
    version: '1.29',
    valid: [job()],
    invalid: [indexed(3, { successPolicy: { rules: [{ succeededCount: 1 }] } }), job({ managedBy: 'example.com/foo' }), job({ scheduling: {} })],
  },
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.30',
    valid: [job({ podReplacementPolicy: 'TerminatingOrFailed' })],
    invalid: [job({ managedBy: 'example.com/foo' })],
  },
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.30',
    valid: [job({ podReplacementPolicy: 'TerminatingOrFailed' })],
    invalid: [indexed(3, { successPolicy: { rules: [{ succeededCount: 1 }] } })],
  },
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.31',
    valid: [indexed(3, { successPolicy: { rules: [{ succeededCount: 1 }] } })],
    invalid: [job({ managedBy: 'example.com/foo' })],
  },
  {
    code: 'FieldRequiresNewerKubernetes',
    version: '1.32',
    valid: [job({ managedBy: 'example.com/foo' }), indexed(3, { successPolicy: { rules: [{ succeededIndexes: '0-2' }] }, backoffLimitPerIndex: 2 })],
    invalid: [],
  },
  {
    // spec.scheduling is in the 1.37 schema, but WorkloadWithJob is alpha (off): the server drops it.
    code: 'FieldRequiresNewerKubernetes',
    version: '1.37',
    valid: [job({ managedBy: 'example.com/foo' }), indexed(3, { successPolicy: { rules: [{ succeededIndexes: '0-2' }] }, backoffLimitPerIndex: 2 })],
    invalid: [job({ scheduling: { schedulingPolicy: { gang: { minCount: 1 } } } }), cronJob({ scheduling: {} })],
  },
  {
    // ContainerRestartRules is alpha in 1.34: a regular container's restartPolicy, an init container's other than Always and restartPolicyRules are dropped.
    code: 'FieldRequiresNewerKubernetes',
    version: '1.34',
    valid: [job({ template: pod(sidecar) })],
    invalid: [
      job({ template: pod({ containers: [{ name: 'main', image: 'busybox:1.36', restartPolicy: 'Never' }] }) }),
      job({ template: pod({ initContainers: [{ name: 'prep', image: 'busybox:1.36', restartPolicy: 'OnFailure' }] }) }),
      job({ template: pod({ containers: [{ name: 'main', image: 'busybox:1.36', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [1] } }] }] }) }),
    ],
  },
  {
    // InPlacePodVerticalScaling is alpha until 1.32: a container resizePolicy is dropped.
    code: 'FieldRequiresNewerKubernetes',
    version: '1.32',
    valid: [job()],
    invalid: [job({ template: pod({ containers: [{ name: 'main', image: 'busybox:1.36', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] }] }) })],
  },
  {
    code: 'FieldUnknown',
    version: '1.36',
    valid: [job({ podReplacementPolicy: 'Failed', managedBy: 'example.com/foo' })],
    invalid: [job({ scheduling: {} })],
  },
];
