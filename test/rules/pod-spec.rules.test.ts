import { validate } from '../../src/rules';

const job = (podSpec: Record<string, unknown>): any => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'work' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }], ...podSpec } } },
});

const errorsAt = (manifest: unknown, version: string): string[] =>
  validate(manifest, { kubernetesVersion: version }).filter((v) => v.severity === 'error').map((v) => `${v.code} ${v.path}`);

// The paths below are the ones real API servers of each version answered with (dryRun=All).
describe('pod template spec rules', () => {
  test('reports hostAliases problems without list indexes before 1.30, as the server does', () => {
    // GIVEN
    const manifest = job({ hostAliases: [{ ip: 'db', hostnames: ['DB_Local'] }] });
    // THEN
    expect(errorsAt(manifest, '1.29')).toEqual(['PodFieldInvalid spec.template.spec.hostAliases.ip', 'PodFieldInvalid spec.template.spec.hostAliases.hostnames']);
    expect(errorsAt(manifest, '1.30')).toEqual(['PodFieldInvalid spec.template.spec.hostAliases[0].ip', 'PodFieldInvalid spec.template.spec.hostAliases[0].hostnames[0]']);
  });

  test('reports shareProcessNamespace with hostPID under securityContext before 1.37', () => {
    const manifest = job({ shareProcessNamespace: true, hostPID: true });
    expect(errorsAt(manifest, '1.36')).toEqual(['PodFieldInvalid spec.template.spec.securityContext.shareProcessNamespace']);
    expect(errorsAt(manifest, '1.37')).toEqual(['PodFieldInvalid spec.template.spec.shareProcessNamespace']);
  });

  test('checks a projected token path from 1.30 only', () => {
    const manifest = job({ volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: '../token' } }] } }] });
    expect(errorsAt(manifest, '1.29')).toEqual([]);
    expect(errorsAt(manifest, '1.30')).toEqual(['VolumeInvalid spec.template.spec.volumes[0].projected.path']);
  });

  test('treats a container restartPolicy per version: rejected, then dropped on 1.34, then validated', () => {
    const manifest = job({ containers: [{ name: 'main', image: 'busybox:1.36', restartPolicy: 'Never' }] });
    expect(errorsAt(manifest, '1.33')).toEqual(['ContainerRestartPolicyInvalid spec.template.spec.containers[0].restartPolicy']);
    expect(errorsAt(manifest, '1.34')).toEqual(['FieldRequiresNewerKubernetes spec.template.spec.containers[0].restartPolicy']);
    expect(errorsAt(manifest, '1.35')).toEqual([]);
  });

  test('reads a null list item as an empty item, as the decoder does', () => {
    const manifest = job({ containers: [{ name: 'main', image: 'busybox:1.36', env: [null] }, null] });
    expect(errorsAt(manifest, '1.37')).toEqual([
      'ContainerNameInvalid spec.template.spec.containers[1].name',
      'ContainerImageRequired spec.template.spec.containers[1].image',
      'EnvVarNameInvalid spec.template.spec.containers[0].env[0].name',
    ]);
  });

  test('reports every server cause of one container at its own path', () => {
    // GIVEN a container with a bad env source, a readiness probe grace period and a bad probe port
    const manifest = job({
      containers: [{
        name: 'main',
        image: 'busybox:1.36',
        env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'c', key: 'bad key!' } } }],
        readinessProbe: { tcpSocket: { port: 'HTTP_PORT' }, terminationGracePeriodSeconds: 5 },
      }],
    });
    // THEN
    expect(errorsAt(manifest, '1.37').sort()).toEqual([
      'EnvVarSourceInvalid spec.template.spec.containers[0].env[0].valueFrom',
      'EnvVarSourceInvalid spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.key',
      'ProbeInvalid spec.template.spec.containers[0].readinessProbe.tcpSocket.port',
      'ProbeInvalid spec.template.spec.containers[0].readinessProbe.tcpSocket.port',
      'ProbeInvalid spec.template.spec.containers[0].readinessProbe.terminationGracePeriodSeconds',
    ]);
  });
});
