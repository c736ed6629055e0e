import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RbacAuthorizer, forbiddenMessage, ownerReferenceChecks, serviceAccountUser, type RbacObject } from '../../src/emulator/rbac.ts';
import { startEmulator } from '../../src/emulator/server.ts';
import { call, jobManifest } from './helpers.ts';

const SA = serviceAccountUser('ops', 'bot');
const subject = { kind: 'ServiceAccount', name: 'bot', namespace: 'ops' };

const objects: RbacObject[] = [
  { kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'reader' }, roleRef: { kind: 'ClusterRole', name: 'reader' }, subjects: [subject] },
  {
    kind: 'Role',
    metadata: { name: 'writer', namespace: 'shop' },
    rules: [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'create'] },
      { apiGroups: ['batch'], resources: ['cronjobs/finalizers'], verbs: ['update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['mine'] },
    ],
  },
  { kind: 'RoleBinding', metadata: { name: 'writer', namespace: 'shop' }, roleRef: { kind: 'Role', name: 'writer' }, subjects: [subject] },
];

describe('emulator RBAC authorizer', () => {
  const rbac = new RbacAuthorizer(objects);
  const can = (verb: string, group: string, resource: string, more: { namespace?: string; name?: string; subresource?: string; user?: string } = {}): boolean =>
    rbac.authorize({ user: more.user ?? SA, verb, group, resource, namespace: more.namespace, name: more.name, subresource: more.subresource });

  it('grants a ClusterRoleBinding everywhere and a RoleBinding in its namespace only', () => {
    assert.equal(can('list', '', 'nodes'), true);
    assert.equal(can('list', 'batch', 'jobs', { namespace: 'shop' }), true);
    assert.equal(can('list', 'batch', 'jobs', { namespace: 'other' }), false);
    assert.equal(can('list', 'batch', 'jobs'), false, 'a Role never grants a request across all namespaces');
  });

  it('matches verbs, groups and subresources exactly', () => {
    assert.equal(can('watch', 'batch', 'jobs', { namespace: 'shop' }), false);
    assert.equal(can('list', '', 'jobs', { namespace: 'shop' }), false);
    assert.equal(can('update', 'batch', 'cronjobs', { namespace: 'shop', name: 'c' }), false);
    assert.equal(can('update', 'batch', 'cronjobs', { namespace: 'shop', name: 'c', subresource: 'finalizers' }), true);
  });

  it('limits rules with resourceNames to those names, which a create never has', () => {
    assert.equal(can('get', 'coordination.k8s.io', 'leases', { namespace: 'shop', name: 'mine' }), true);
    assert.equal(can('get', 'coordination.k8s.io', 'leases', { namespace: 'shop', name: 'theirs' }), false);
    assert.equal(can('create', 'coordination.k8s.io', 'leases', { namespace: 'shop' }), false);
  });

  it('matches the subject: another service account gets nothing', () => {
    assert.equal(can('list', '', 'nodes', { user: serviceAccountUser('ops', 'other') }), false);
    assert.equal(can('list', '', 'nodes', { user: serviceAccountUser('dev', 'bot') }), false);
  });

  it('derives the finalizers checks of OwnerReferencesPermissionEnforcement from blocking owner references', () => {
    const body = {
      metadata: {
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'u1', blockOwnerDeletion: true },
          { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u2', blockOwnerDeletion: false },
          { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u3', blockOwnerDeletion: true },
        ],
      },
    };
    assert.deepEqual(ownerReferenceChecks(SA, 'shop', body), [
      { user: SA, verb: 'update', group: 'batch', resource: 'cronjobs', subresource: 'finalizers', namespace: 'shop', name: 'nightly' },
      { user: SA, verb: 'update', group: '', resource: 'nodes', subresource: 'finalizers', namespace: undefined, name: 'n' },
    ]);
  });

  it("words a denial as the API server's Forbidden message", () => {
    assert.equal(
      forbiddenMessage({ user: SA, verb: 'delete', group: 'batch', resource: 'jobs', namespace: 'shop', name: 'j' }),
      'jobs.batch "j" is forbidden: User "system:serviceaccount:ops:bot" cannot delete resource "jobs" in API group "batch" in the namespace "shop"',
    );
    assert.equal(
      forbiddenMessage({ user: SA, verb: 'list', group: '', resource: 'pods' }),
      'pods is forbidden: User "system:serviceaccount:ops:bot" cannot list resource "pods" in API group "" at the cluster scope',
    );
  });
});

describe('emulator with authorization', () => {
  it("answers 403 to the service account's forbidden requests, records every decision, and leaves the admin unchecked", async () => {
    const emu = await startEmulator({ authorization: { objects, tokens: { 'bot-token': SA } } });
    try {
      const as = (token: string) => (method: string, path: string, body?: unknown) =>
        fetch(`${emu.url}${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const bot = as('bot-token');
      // WHEN the service account creates a Job where it may, and one where it may not
      assert.equal((await bot('POST', '/apis/batch/v1/namespaces/shop/jobs', jobManifest('ok', 'shop'))).status, 201);
      const denied = await bot('POST', '/apis/batch/v1/namespaces/other/jobs', jobManifest('no', 'other'));
      // THEN
      assert.equal(denied.status, 403);
      const status = (await denied.json()) as { reason: string; message: string };
      assert.equal(status.reason, 'Forbidden');
      assert.match(status.message, /cannot create resource "jobs" in API group "batch" in the namespace "other"/);
      // WHEN it creates a Job that blocks the deletion of a Pod it cannot set finalizers on
      const owned = { ...jobManifest('owned', 'shop'), metadata: { name: 'owned', namespace: 'shop', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', blockOwnerDeletion: true }] } };
      const refused = await bot('POST', '/apis/batch/v1/namespaces/shop/jobs', owned);
      assert.equal(refused.status, 403);
      assert.match(((await refused.json()) as { message: string }).message, /cannot set blockOwnerDeletion .*cannot update resource "pods\/finalizers"/);
      assert.equal(emu.store.get('Job', 'shop', 'owned'), undefined);
      // AND the admin's token is not checked
      assert.equal((await call(emu.url, 'GET', '/api/v1/namespaces/other/pods')).status, 200);
      assert.deepEqual(
        emu.authorizations().map((r) => [r.verb, r.resource, r.subresource, r.namespace, r.allowed, r.source]),
        [
          ['create', 'jobs', undefined, 'shop', true, 'request'],
          ['create', 'jobs', undefined, 'other', false, 'request'],
          ['create', 'jobs', undefined, 'shop', true, 'request'],
          ['update', 'pods', 'finalizers', 'shop', false, 'admission'],
        ],
      );
    } finally {
      await emu.close();
    }
  });
});
