/**
 * Authorization for the emulated API server: the Kubernetes RBAC authorizer's rules, evaluated
 * over given Roles, ClusterRoles, RoleBindings and ClusterRoleBindings (the objects a
 * `BatchReconciler` synthesizes, say), and the OwnerReferencesPermissionEnforcement admission
 * check on creates.
 *
 * As in the API server (plugin/pkg/auth/authorizer/rbac): a ClusterRoleBinding grants its
 * ClusterRole's rules in every namespace and on cluster-scoped resources; a RoleBinding grants
 * its Role's (or ClusterRole's) rules in its own namespace only. A rule matches when its
 * apiGroups, resources (`<resource>/<subresource>` for a subresource, `*`, `*\/<subresource>`)
 * and verbs (or `*`) match, and its resourceNames, when set, hold the request's name — which a
 * `create` (name in the body) and a `list`/`watch` of the collection do not have. Subjects match
 * by User name, ServiceAccount (`system:serviceaccount:<ns>:<name>`) or Group (a service account
 * belongs to `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`).
 * Anything no rule allows is denied (RBAC only adds permissions).
 *
 * Requests are authorized as the user their bearer token maps to (`EmulatorAuthorization.tokens`);
 * a request with any other token is the cluster admin and is not checked, so tests can set up
 * objects freely and run the reconciler under its own identity beside them.
 */
import { resourceForKindInGroup } from './resources.ts';

/** What the authorizer is asked: who does what to which resource, where. */
export interface AuthorizationAttributes {
  readonly user: string;
  readonly verb: string;
  /** API group; `''` for the core group. */
  readonly group: string;
  /** Resource plural, e.g. `jobs`. */
  readonly resource: string;
  readonly subresource?: string;
  /** Undefined for cluster-scoped resources and for requests across all namespaces. */
  readonly namespace?: string;
  /** Undefined for collection requests (`list`, `watch`, `create`). */
  readonly name?: string;
}

/** One decision of the authorizer. */
export interface AuthorizationRecord extends AuthorizationAttributes {
  readonly allowed: boolean;
  /** `request`: an API request; `admission`: the owner-reference check on a create. */
  readonly source: 'request' | 'admission';
}

interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
}

interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** An RBAC object as synthesized (plain JSON). */
export interface RbacObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly rules?: readonly PolicyRule[];
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly Subject[];
}

/** Authorization settings of the emulator. */
export interface EmulatorAuthorization {
  /** Roles, ClusterRoles, RoleBindings and ClusterRoleBindings; other kinds are ignored. */
  readonly objects: readonly RbacObject[];
  /** Bearer token → user name, e.g. `{ 'sa-token': 'system:serviceaccount:ops:reconciler' }`. */
  readonly tokens: Readonly<Record<string, string>>;
}

/** The user name of a service account. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

function groupsOf(user: string): string[] {
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(user);
  return sa ? ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : ['system:authenticated'];
}

function subjectMatches(subject: Subject, user: string, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'ServiceAccount':
      return user === serviceAccountUser(subject.namespace ?? bindingNamespace ?? '', subject.name ?? '');
    case 'User':
      return subject.name === user;
    case 'Group':
      return groupsOf(user).includes(subject.name ?? '');
    default:
      return false;
  }
}

function resourceMatches(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (a.subresource !== undefined && r === `*/${a.subresource}`));
}

/** Whether one policy rule allows the request (RBAC `RuleAllows`). */
export function ruleAllows(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  if (!listed(rule.verbs, a.verb) || !listed(rule.apiGroups, a.group) || !resourceMatches(rule, a)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

/** `value` or `*` is in the list. */
function listed(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).some((v) => v === '*' || v === value);
}

/** `Role/<ns>/<name>` or `ClusterRole//<name>`. */
function roleKey(kind: string | undefined, namespace: string | undefined, name: string | undefined): string {
  return kind === 'Role' ? `Role/${namespace}/${name}` : `${kind}//${name}`;
}

/** The RBAC authorizer over a fixed set of RBAC objects. */
export class RbacAuthorizer {
  private readonly roles = new Map<string, readonly PolicyRule[]>();
  private readonly bindings: RbacObject[] = [];

  constructor(objects: readonly RbacObject[]) {
    for (const o of objects) {
      if (o.kind === 'ClusterRole' || o.kind === 'Role') this.roles.set(roleKey(o.kind, o.metadata?.namespace, o.metadata?.name), o.rules ?? []);
      else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') this.bindings.push(o);
    }
  }

  /** The rules a binding grants (empty when its role does not exist, as in the API server). */
  private rulesOf(binding: RbacObject): readonly PolicyRule[] {
    const ref = binding.roleRef;
    return this.roles.get(roleKey(ref?.kind, binding.metadata?.namespace, ref?.name)) ?? [];
  }

  /** True when some binding of the user grants a rule that allows the request. */
  authorize(a: AuthorizationAttributes): boolean {
    return this.bindings.some((b) => {
      const namespaced = b.kind === 'RoleBinding';
      if (namespaced && (a.namespace === undefined || b.metadata?.namespace !== a.namespace)) return false;
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, a.user, b.metadata?.namespace))) return false;
      return this.rulesOf(b).some((rule) => ruleAllows(rule, a));
    });
  }
}

interface OwnerReference {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly name?: unknown;
  readonly blockOwnerDeletion?: unknown;
}

/**
 * The authorization checks the OwnerReferencesPermissionEnforcement admission plugin makes for
 * a create: `update` on the `finalizers` subresource of every owner the new object blocks the
 * deletion of (`blockOwnerDeletion: true`), in the object's namespace for a namespaced owner.
 */
export function ownerReferenceChecks(user: string, namespace: string | undefined, body: unknown): AuthorizationAttributes[] {
  const refs = (body as { metadata?: { ownerReferences?: unknown } } | undefined)?.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return (refs as OwnerReference[])
    .filter((ref) => ref?.blockOwnerDeletion === true)
    .map((ref) => {
      const apiVersion = String(ref.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      const owner = resourceForKindInGroup(group, String(ref.kind ?? ''));
      return {
        user,
        verb: 'update',
        group,
        resource: owner?.plural ?? String(ref.kind ?? '').toLowerCase(),
        subresource: 'finalizers',
        namespace: owner?.namespaced === false ? undefined : namespace,
        name: String(ref.name ?? ''),
      };
    });
}

/** The API server's Forbidden message for a denied request. */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const target = a.group ? `${a.resource}.${a.group}` : a.resource;
  const what = a.name ? `${target} "${a.name}"` : target;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${what} is forbidden: User "${a.user}" cannot ${a.verb} resource "${combined}" in API group "${a.group}" ${where}`;
}
