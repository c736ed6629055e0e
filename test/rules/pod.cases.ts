/**
 * Table cases for the whole-object rules: the group version of batch kinds, strict decoding of
 * the whole object against each version's schema, and the core pod validation on a Job's pod
 * template (`src/rules/pod-spec.rules.ts`). Same shape as `job.cases.ts`.
 */
import { cronJob, job, pod } from './job.cases';

export const DEFAULT_CASE_VERSION = '1.37';

const c = (extra: Record<string, unknown>): any => ({ name: 'main', image: 'busybox:1.36', ...extra });
const withContainer = (extra: Record<string, unknown>, podExtra: Record<string, unknown> = {}): any =>
  job({ template: pod({ containers: [c(extra)], ...podExtra }) });
const withInit = (extra: Record<string, unknown>): any => job({ template: pod({ initContainers: [{ name: 'init', image: 'busybox:1.36', ...extra }] }) });
const probe = (p: Record<string, unknown>): Record<string, unknown> => ({ livenessProbe: p });

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string }> = [
  {
    code: 'ApiVersionUnsupported',
    valid: [job(), cronJob(), { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'v' }, spec: {} }],
    invalid: [
      { ...cronJob(), apiVersion: 'v1' },
      { ...cronJob(), apiVersion: 'batch/v1beta1' },
      { ...cronJob(), apiVersion: 'batch/v2alpha1' },
      { ...job(), apiVersion: 'extensions/v1beta1' },
    ],
  },
  {
    code: 'ApiVersionMissing',
    valid: [job(), cronJob()],
    invalid: [{ kind: 'Job', metadata: { name: 'n' }, spec: job().spec }, { ...cronJob(), apiVersion: '' }],
  },
  {
    code: 'KindMissing',
    valid: [job(), cronJob()],
    invalid: [{ apiVersion: 'batch/v1', metadata: { name: 'n' }, spec: job().spec }, { ...cronJob(), kind: null }],
  },
  {
    code: 'KindUnknown',
    valid: [job(), cronJob(), { apiVersion: 'v1', kind: 'job' }],
    invalid: [{ ...job(), kind: 'job' }, { ...cronJob(), kind: 'CronJobs' }, { apiVersion: 'batch/v1', kind: 'JobTemplate' }],
  },
  {
    code: 'FieldUnknown',
    valid: [withContainer({ env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' } } }), job({}, { labels: { app: 'a' }, annotations: { a: 'b' } })],
    invalid: [
      withContainer({ foo: 1 }),
      withContainer({ Image: 'busybox' }),
      withContainer({ env: [{ name: 'A', valu: '1' }] }),
      job({}, { lables: { app: 'a' } }),
      { ...job(), extra: true },
      job({ template: pod({ volumes: [{ name: 'v', emptydir: {} }] }) }),
      cronJob({ template: pod({ containers: [c({ port: 80 })] }) }),
    ],
  },
  {
    code: 'FieldUnknown',
    version: '1.28',
    valid: [withContainer({ stdin: false, workingDir: '/w' })],
    // Container restartPolicyRules and pod hostnameOverride arrived in 1.34:
    invalid: [withContainer({ restartPolicyRules: [] }), job({ template: pod({ hostnameOverride: 'x' }) })],
  },
  {
    code: 'FieldTypeInvalid',
    valid: [withContainer({ resources: { limits: { cpu: 1, memory: '64Mi' }, requests: { cpu: '0.5', memory: 1048576 } } }), withContainer({ ports: [{ containerPort: 80 }] })],
    invalid: [
      withContainer({ resources: { limits: { cpu: 'one' } } }),
      withContainer({ resources: { limits: { memory: '64MB' } } }),
      withContainer({ ports: [{ containerPort: '80' }] }),
      withContainer({ env: [{ name: 'A', value: 1 }] }),
      withContainer({ command: 'echo hi' }),
      withContainer({ livenessProbe: { httpGet: { port: 1.5 } } }),
      job({}, { creationTimestamp: 'yesterday' }),
    ],
  },
  {
    code: 'PodFieldValueUnsupported',
    valid: [
      withContainer({ imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'FallbackToLogsOnError' }, { dnsPolicy: 'ClusterFirst', nodeSelector: { 'kubernetes.io/os': 'linux' }, preemptionPolicy: 'Never', os: { name: 'linux' } }),
    ],
    invalid: [
      withContainer({ imagePullPolicy: 'always' }),
      withContainer({ terminationMessagePolicy: 'Logs' }),
      job({ template: pod({ dnsPolicy: 'clusterfirst' }) }),
      job({ template: pod({ nodeSelector: { 'disk type': 'ssd' } }) }),
      job({ template: pod({ preemptionPolicy: 'Sometimes' }) }),
      job({ template: pod({ os: { name: 'darwin' } }) }),
      job({ template: pod({ os: {} }) }),
    ],
  },
  {
    code: 'ServiceAccountNameInvalid',
    valid: [job({ template: pod({ serviceAccountName: 'batch-runner' }) }), job({ template: pod({ serviceAccountName: 'a.b-c' }) })],
    invalid: [job({ template: pod({ serviceAccountName: 'Batch_Runner' }) }), cronJob({ template: pod({ serviceAccountName: 'x'.repeat(254) }) })],
  },
  {
    code: 'PodDnsNameInvalid',
    valid: [job({ template: pod({ hostname: 'worker', subdomain: 'workers', priorityClassName: 'high.priority', runtimeClassName: 'kata' }) })],
    invalid: [job({ template: pod({ hostname: 'Worker' }) }), job({ template: pod({ subdomain: 'a.b' }) }), job({ template: pod({ priorityClassName: 'High' }) }), job({ template: pod({ runtimeClassName: 'Kata_Runtime' }) })],
  },
  {
    code: 'VolumeInvalid',
    valid: [
      job({ template: pod({ volumes: [{ name: 'data' }, { name: 'cfg', configMap: { name: 'c' } }] }) }),
      job({
        template: pod({
          volumes: [
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu' } }] } },
            { name: 'share', nfs: { server: 'nfs.example.com', path: '/exports' } },
            { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
            { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
          ],
        }),
      }),
    ],
    invalid: [
      job({ template: pod({ volumes: [{ name: 'Data', emptyDir: {} }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', emptyDir: {} }, { name: 'd', emptyDir: {} }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', emptyDir: {}, configMap: { name: 'c' } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', configMap: {} }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', secret: { secretName: 's', defaultMode: 1000 } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', persistentVolumeClaim: {} }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', hostPath: { path: '' } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', projected: { sources: [{ serviceAccountToken: { path: '../token' } }] } }] }) }),
      job({ template: pod({ volumes: [null] }) }),
      job({ template: pod({ volumes: [{ name: 'd', downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'status.podIP' } }] } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', downwardAPI: { items: [{ path: 'x', resourceFieldRef: { resource: 'limits.cpu' } }] } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', downwardAPI: { items: [{ path: '../x', fieldRef: { fieldPath: 'metadata.name' } }] } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', nfs: { server: 'nfs', path: 'exports' } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', csi: { driver: '' } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', ephemeral: {} }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }] }) }),
      job({ template: pod({ volumes: [{ name: 'd', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], resources: { requests: { storage: '0' } } } } } }] }) }),
    ],
  },
  {
    code: 'VolumeMountInvalid',
    valid: [withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'x/y' }] }, { volumes: [{ name: 'data', emptyDir: {} }] })],
    invalid: [
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }),
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/a' }, { name: 'data', mountPath: '/a' }] }, { volumes: [{ name: 'data' }] }),
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/a', subPath: '../etc' }] }, { volumes: [{ name: 'data' }] }),
      withContainer({ volumeMounts: [{ name: 'data' }] }, { volumes: [{ name: 'data' }] }),
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/a', mountPropagation: 'Bidirectional' }] }, { volumes: [{ name: 'data' }] }),
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/a', mountPropagation: 'Shared' }] }, { volumes: [{ name: 'data' }] }),
    ],
  },
  {
    code: 'ContainerPortInvalid',
    valid: [withContainer({ ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics', protocol: 'UDP', hostPort: 9090 }] })],
    invalid: [
      withContainer({ ports: [{ containerPort: 0 }] }),
      withContainer({ ports: [{ containerPort: 70000 }] }),
      withContainer({ ports: [{ containerPort: 80, name: 'http_port' }] }),
      withContainer({ ports: [{ containerPort: 80, name: 'web' }, { containerPort: 81, name: 'web' }] }),
      withContainer({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }),
      withContainer({ ports: [{ containerPort: 80, name: 'a-very-long-port-name' }] }),
      withContainer({ ports: [{ containerPort: 80, hostPort: 8080 }] }, { hostNetwork: true }),
      job({ template: pod({ containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'i', ports: [{ containerPort: 81, hostPort: 8080 }] }] }) }),
    ],
  },
  {
    code: 'EnvVarNameInvalid',
    version: '1.31',
    valid: [withContainer({ env: [{ name: 'MY_VAR', value: '1' }, { name: 'my.var-2', value: '2' }] })],
    invalid: [withContainer({ env: [{ name: '1VAR', value: '1' }] }), withContainer({ env: [{ name: 'MY VAR', value: '1' }] }), withContainer({ envFrom: [{ prefix: '9_', configMapRef: { name: 'c' } }] })],
  },
  {
    // From 1.32 (RelaxedEnvironmentVariableValidation on by default) any printable ASCII but '=' is allowed.
    code: 'EnvVarNameInvalid',
    version: '1.32',
    valid: [withContainer({ env: [{ name: '1VAR', value: '1' }, { name: 'MY VAR', value: '2' }] })],
    invalid: [withContainer({ env: [{ name: 'A=B', value: '1' }] }), withContainer({ env: [{ name: 'ÄRGER', value: '1' }] }), withContainer({ env: [{ value: '1' }] })],
  },
  {
    code: 'EnvVarSourceInvalid',
    valid: [
      withContainer({
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
          { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'settings', key: 'log.level' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
      }),
    ],
    invalid: [
      withContainer({ env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: {} }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, configMapKeyRef: { name: 'c', key: 'k' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['bad key']" } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'bad key!' } } }] }),
      withContainer({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'Creds', key: 'k' } } }] }),
      withContainer({ envFrom: [{ prefix: 'X_' }] }),
    ],
  },
  {
    code: 'TolerationInvalid',
    valid: [job({ template: pod({ tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, { operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] }) })],
    invalid: [
      job({ template: pod({ tolerations: [{ key: 'gpu', operator: 'Bad' }] }) }),
      job({ template: pod({ tolerations: [{ key: 'gpu', operator: 'Exists', value: 'x' }] }) }),
      job({ template: pod({ tolerations: [{ operator: 'Equal', value: 'x' }] }) }),
      job({ template: pod({ tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }] }) }),
      job({ template: pod({ tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'Evict' }] }) }),
    ],
  },
  {
    code: 'AffinityInvalid',
    valid: [
      job({
        template: pod({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'Exists' }] }] },
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }],
            },
            podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a' } } } }] },
          },
        }),
      }),
    ],
    invalid: [
      job({ template: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }) }),
      job({ template: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] } } } }) }),
      job({ template: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Like', values: ['a'] }] }] } } } }) }),
      job({ template: pod({ affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } } }) }),
      job({ template: pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'a' } } }] } } }) }),
    ],
  },
  {
    code: 'PodDnsConfigInvalid',
    valid: [job({ template: pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['10.0.0.10', 'fd00::10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] } }) })],
    invalid: [
      job({ template: pod({ dnsPolicy: 'None' }) }),
      job({ template: pod({ dnsPolicy: 'None', dnsConfig: { searches: ['a.example'] } }) }),
      job({ template: pod({ dnsConfig: { nameservers: ['not-an-ip'] } }) }),
      job({ template: pod({ dnsConfig: { options: [{ value: '1' }] } }) }),
    ],
  },
  {
    code: 'TopologySpreadConstraintInvalid',
    valid: [job({
      template: pod({
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, nodeTaintsPolicy: 'Honor', labelSelector: { matchLabels: { app: 'a' } } },
          { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
        ],
      }),
    })],
    invalid: [
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] }) }),
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }] }) }),
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname' }] }) }),
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'z', whenUnsatisfiable: 'DoNotSchedule' }, { maxSkew: 2, topologyKey: 'z', whenUnsatisfiable: 'DoNotSchedule' }] }) }),
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'z', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }] }) }),
      job({ template: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'z', whenUnsatisfiable: 'DoNotSchedule', nodeAffinityPolicy: 'honor' }] }) }),
    ],
  },
  {
    code: 'PodFieldInvalid',
    valid: [job({ template: pod({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }, { ip: '::1', hostnames: ['ip6.local'] }], readinessGates: [{ conditionType: 'example.com/ready' }], schedulingGates: [{ name: 'example.com/quota' }], shareProcessNamespace: true }) })],
    invalid: [
      job({ template: pod({ hostAliases: [{ ip: 'db', hostnames: ['db.local'] }] }) }),
      job({ template: pod({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['DB_Local'] }] }) }),
      job({ template: pod({ readinessGates: [{ conditionType: 'bad type!' }] }) }),
      job({ template: pod({ schedulingGates: [{ name: 'example.com/quota' }, { name: 'example.com/quota' }] }) }),
      job({ template: pod({ shareProcessNamespace: true, hostPID: true }) }),
    ],
  },
  {
    code: 'ContainerResizePolicyInvalid',
    valid: [
      withContainer({ resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'memory', restartPolicy: 'NotRequired' }] }),
      job({ template: pod({ restartPolicy: 'OnFailure', containers: [c({ resizePolicy: [{ resourceName: 'memory', restartPolicy: 'RestartContainer' }] })] }) }),
    ],
    invalid: [
      withContainer({ resizePolicy: [{ resourceName: 'memory', restartPolicy: 'RestartContainer' }] }),
      withContainer({ resizePolicy: [{ resourceName: 'gpu', restartPolicy: 'NotRequired' }] }),
      withContainer({ resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'cpu', restartPolicy: 'NotRequired' }] }),
      withContainer({ resizePolicy: [{ resourceName: 'cpu' }] }),
      job({ template: pod({ restartPolicy: 'OnFailure', initContainers: [{ name: 'prep', image: 'busybox:1.36', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'RestartContainer' }] }] }) }),
    ],
  },
  {
    code: 'ResourceRequirementsInvalid',
    valid: [
      withContainer({ resources: { requests: { 'cpu': '500m', 'memory': '64Mi', 'nvidia.com/gpu': 1 }, limits: { 'cpu': '1', 'memory': '64Mi', 'nvidia.com/gpu': '1' } } }),
      withContainer({ resources: { requests: { cpu: '1' }, limits: { cpu: '1000m' } } }),
    ],
    invalid: [
      withContainer({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
      withContainer({ resources: { requests: { memory: '-1Mi' } } }),
      withContainer({ resources: { requests: { gpu: '1' } } }),
      withContainer({ resources: { requests: { 'nvidia.com/gpu': '1' } } }),
      withContainer({ resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } } }),
      withContainer({ resources: { limits: { 'nvidia.com/gpu': '500m' } } }),
      withContainer({ resources: { limits: { 'hugepages-2Mi': '100Mi' } } }),
      withContainer({ resources: { limits: { 'memory': '1Gi', 'hugepages-2Mi': '3Mi' }, requests: { 'memory': '1Gi', 'hugepages-2Mi': '3Mi' } } }),
      withContainer({ resources: { limits: { 'nvidia.com/gpu': '10000000000000000000000000000' }, requests: { 'nvidia.com/gpu': '10000000000000000000000000000' } } }),
    ],
  },
  {
    code: 'ProbeInvalid',
    valid: [
      withContainer({ ...probe({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 }), readinessProbe: { exec: { command: ['true'] }, successThreshold: 3 } }),
      job({ template: pod({ initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 80 } } }] }) }),
      withContainer({ lifecycle: { preStop: { sleep: { seconds: 5 } } } }),
      withContainer({ lifecycle: { preStop: { sleep: { seconds: 0 } } } }),
    ],
    invalid: [
      withContainer(probe({ periodSeconds: 5 })),
      withContainer(probe({ exec: { command: ['true'] }, httpGet: { port: 80 } })),
      withContainer(probe({ exec: { command: ['true'] }, successThreshold: 2 })),
      withContainer(probe({ exec: { command: ['true'] }, timeoutSeconds: -1 })),
      withInit({ readinessProbe: { exec: { command: ['true'] } } }),
      withInit({ lifecycle: { preStop: { exec: { command: ['true'] } } } }),
      withContainer({ lifecycle: { postStart: {} } }),
      withContainer({ readinessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 30 } }),
      withContainer(probe({ httpGet: { port: 0 } })),
      withContainer(probe({ tcpSocket: { port: 'HTTP_PORT' } })),
      withContainer(probe({ grpc: { port: 70000 } })),
      withContainer(probe({ exec: {} })),
      withContainer({ lifecycle: { preStop: { sleep: { seconds: 60 } } } }),
    ],
  },
  {
    // On 1.28 a sidecar's restartPolicy is dropped (SidecarContainers alpha), so it is a plain init container.
    code: 'ProbeInvalid',
    version: '1.28',
    valid: [withContainer(probe({ exec: { command: ['true'] } }))],
    invalid: [withInit({ startupProbe: { exec: { command: ['true'] } } })],
  },
  {
    // The sleep action is alpha in 1.29 (dropped: no handler is left); a zero sleep is allowed from 1.33.
    code: 'ProbeInvalid',
    version: '1.29',
    valid: [withContainer({ lifecycle: { preStop: { exec: { command: ['true'] } } } })],
    invalid: [withContainer({ lifecycle: { preStop: { sleep: { seconds: 5 } } } })],
  },
  {
    code: 'ProbeInvalid',
    version: '1.32',
    valid: [withContainer({ lifecycle: { preStop: { sleep: { seconds: 5 } } } })],
    invalid: [withContainer({ lifecycle: { preStop: { sleep: { seconds: 0 } } } })],
  },
  {
    // MountOption needs SELinuxMount, on by default from 1.37.
    code: 'SecurityContextInvalid',
    version: '1.36',
    valid: [withContainer({}, { securityContext: { seLinuxChangePolicy: 'Recursive' } })],
    invalid: [withContainer({}, { securityContext: { seLinuxChangePolicy: 'MountOption' } })],
  },
  {
    code: 'SecurityContextInvalid',
    valid: [
      withContainer(
        { securityContext: { runAsUser: 1000, runAsGroup: 0, allowPrivilegeEscalation: false } },
        { securityContext: { fsGroup: 2000, supplementalGroups: [3000], fsGroupChangePolicy: 'OnRootMismatch', sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], seccompProfile: { type: 'RuntimeDefault' } } },
      ),
      withContainer({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } }),
      withContainer(
        { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-apparmor-example' }, procMount: 'Default' } },
        { securityContext: { supplementalGroupsPolicy: 'Strict', seLinuxChangePolicy: 'MountOption', appArmorProfile: { type: 'RuntimeDefault' } } },
      ),
    ],
    invalid: [
      withContainer({ securityContext: { runAsUser: -1 } }),
      withContainer({ securityContext: { privileged: true, allowPrivilegeEscalation: false } }),
      withContainer({ securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['CAP_SYS_ADMIN'] } } }),
      withContainer({}, { securityContext: { supplementalGroups: [-5] } }),
      withContainer({}, { securityContext: { fsGroupChangePolicy: 'Sometimes' } }),
      withContainer({}, { securityContext: { sysctls: [{ name: 'Net.Core', value: '1' }] } }),
      withContainer({}, { hostNetwork: true, securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } }),
      withContainer({ securityContext: { seccompProfile: { type: 'Localhost' } } }),
      withContainer({ securityContext: { seccompProfile: { type: 'Custom' } } }),
      withContainer({ securityContext: { appArmorProfile: { type: 'Localhost' } } }),
      withContainer({}, { securityContext: { appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'x' } } }),
      withContainer({}, { securityContext: { supplementalGroupsPolicy: 'Loose' } }),
      withContainer({}, { securityContext: { seLinuxChangePolicy: 'Never' } }),
      withContainer({ securityContext: { procMount: 'Unmasked' } }),
      withContainer({ securityContext: { procMount: 'Masked' } }),
    ],
  },
];
