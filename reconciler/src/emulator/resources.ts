/**
 * The resources the emulated API server serves: one row per REST resource, used by the
 * store (scope, status subresource) and by the HTTP layer (routes, discovery, field selectors).
 */

/** One REST resource of the emulated API server. */
export interface ResourceType {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural path segment, e.g. `jobs`. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  /** Has a `/status` subresource: writes to the main resource keep the status, and vice versa. */
  readonly status: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  /** Field selector labels the resource supports besides `metadata.name` and `metadata.namespace`. */
  readonly fieldLabels?: readonly string[];
  /**
   * The API server's create strategy resets the status (`PrepareForCreate` of the kind): what a
   * client sends in `status` on create is dropped, the controllers fill it in later.
   */
  readonly statusResetOnCreate?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** The verbs every emulated resource supports (discovery lists them). */
export const VERBS: readonly string[] = ALL_VERBS;

/** Every resource the emulator serves. Core `Event` and `events.k8s.io` `Event` share one storage kind. */
export const RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, status: true, shortNames: ['ns'], fieldLabels: ['status.phase'] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, status: true, shortNames: ['no'], fieldLabels: ['spec.unschedulable'] },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    status: true,
    shortNames: ['po'],
    categories: ['all'],
    fieldLabels: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    status: false,
    shortNames: ['ev'],
    fieldLabels: [
      'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
      'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
      'reason', 'reportingComponent', 'source', 'type',
    ],
  },
  { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', singular: 'resourcequota', namespaced: true, status: true, shortNames: ['quota'] },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, status: true, shortNames: ['svc'], categories: ['all'] },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, status: false, shortNames: ['sa'] },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, status: false, shortNames: ['cm'] },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, status: true, categories: ['all'], fieldLabels: ['status.successful'] },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, status: true, shortNames: ['cj'], categories: ['all'] },
  {
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    status: false,
    shortNames: ['ev'],
    fieldLabels: ['regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'reason', 'reportingController', 'type'],
  },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true, status: false },
  // What an application has next to its Jobs. Stored as the API server stores them (metadata,
  // generation, status reset on create); no controller runs them in the emulator.
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, status: false, fieldLabels: ['type'] },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, status: true, shortNames: ['pvc'], statusResetOnCreate: true },
  { group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, status: true, shortNames: ['pv'], statusResetOnCreate: true },
  { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', singular: 'limitrange', namespaced: true, status: false, shortNames: ['limits'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, status: true, shortNames: ['deploy'], categories: ['all'], statusResetOnCreate: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, status: true, shortNames: ['sts'], categories: ['all'], statusResetOnCreate: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, status: true, shortNames: ['ds'], categories: ['all'], statusResetOnCreate: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, status: true, shortNames: ['rs'], categories: ['all'], statusResetOnCreate: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true, status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true, status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, status: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, status: false },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, status: true, shortNames: ['pdb'], statusResetOnCreate: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true, status: false, shortNames: ['netpol'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, status: true, shortNames: ['ing'], statusResetOnCreate: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, status: true, shortNames: ['hpa'], categories: ['all'], statusResetOnCreate: true },
  { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', plural: 'priorityclasses', singular: 'priorityclass', namespaced: false, status: false, shortNames: ['pc'] },
];

/** `batch/v1`, or `v1` for the core group. */
export function groupVersion(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The resource serving `plural` in `group/version`, if any. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource serving `kind` in `apiVersion` (`apps/v1`, `v1`), if the emulator serves it. */
export function servedResource(apiVersion: string, kind: string): ResourceType | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

/** The preferred resource for a stored kind (the first row of that kind). */
export function resourceForKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** The resource of `kind` in API group `group` (as an owner reference names it), if served. */
export function resourceForKindInGroup(group: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.kind === kind);
}

/** Whether objects of `kind` live in a namespace. Unknown kinds are treated as namespaced. */
export function isNamespacedKind(kind: string): boolean {
  return resourceForKind(kind)?.namespaced ?? true;
}

/** Whether `kind` has a status subresource (spec and status are written separately). */
export function hasStatusSubresource(kind: string): boolean {
  return resourceForKind(kind)?.status ?? false;
}

/** The API groups served, in discovery order, with their versions. */
export function apiGroups(): Array<{ group: string; versions: string[] }> {
  const out: Array<{ group: string; versions: string[] }> = [];
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const existing = out.find((g) => g.group === r.group);
    if (!existing) out.push({ group: r.group, versions: [r.version] });
    else if (!existing.versions.includes(r.version)) existing.versions.push(r.version);
  }
  return out;
}
