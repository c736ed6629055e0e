import { stored } from './job.cases';
import { JOB_SPEC_MUTABILITY, MUTABLE_SCHEDULING_DIRECTIVES, isMutableJobSpecPath, validateUpdate } from '../../src/rules';

// Ported from upstream TestValidateJobUpdate (pkg/apis/batch/validation): old Job, change, expected error path.
// `directives: true` stands for AllowMutableSchedulingDirectives, which the server sets when the stored
// Job is suspended and has never started; here the stored Job is made so.

type Change = (j: any) => void;
const UID = '1a2b3c';
const nodeAffinity = (values: string[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'foo', operator: 'In', values }] }] } },
});

const CASES: Array<[string, any, Change, string | undefined, boolean]> = [
  ['mutable fields', stored({ parallelism: 5, activeDeadlineSeconds: 2, ttlSecondsAfterFinished: 1 }, UID), (j) => {
    j.spec.parallelism = 2; j.spec.activeDeadlineSeconds = 3; j.spec.ttlSecondsAfterFinished = 2; j.spec.manualSelector = true;
  }, undefined, false],
  ['invalid attempt to set managedBy field', stored({}, UID), (j) => { j.spec.managedBy = 'example.com/custom-controller'; }, 'spec.managedBy', false],
  ['invalid update of the managedBy field', stored({ managedBy: 'example.com/custom-controller1' }, UID), (j) => { j.spec.managedBy = 'example.com/custom-controller2'; }, 'spec.managedBy', false],
  ['immutable completions for non-indexed jobs', stored({}, UID), (j) => { j.spec.completions = 3; }, 'spec.completions', false],
  ['immutable selector', stored({}, UID), (j) => { j.spec.selector.matchLabels.foo = 'bar'; j.spec.template.metadata.labels.foo = 'bar'; }, 'spec.selector', false],
  ['add success policy', stored({ completionMode: 'Indexed', completions: 5 }, UID), (j) => { j.spec.successPolicy = { rules: [{ succeededCount: 2 }] }; }, 'spec.successPolicy', false],
  ['update success policy', stored({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '1-3' }] } }, UID), (j) => {
    j.spec.successPolicy.rules.push({ succeededCount: 3 });
  }, 'spec.successPolicy', false],
  ['remove success policy', stored({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '1-3' }] } }, UID), (j) => { delete j.spec.successPolicy; }, 'spec.successPolicy', false],
  ['add pod failure policy', stored({}, UID), (j) => { j.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }; }, 'spec.podFailurePolicy', false],
  ['update pod failure policy', stored({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } }, UID), (j) => {
    j.spec.podFailurePolicy.rules.push({ action: 'Count', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
  }, 'spec.podFailurePolicy', false],
  ['remove pod failure policy', stored({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } }, UID), (j) => { delete j.spec.podFailurePolicy; }, 'spec.podFailurePolicy', false],
  ['set backoff limit per index', stored({ completions: 3, completionMode: 'Indexed' }, UID), (j) => { j.spec.backoffLimitPerIndex = 1; }, 'spec.backoffLimitPerIndex', false],
  ['unset backoff limit per index', stored({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1 }, UID), (j) => { delete j.spec.backoffLimitPerIndex; }, 'spec.backoffLimitPerIndex', false],
  ['update backoff limit per index', stored({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1 }, UID), (j) => { j.spec.backoffLimitPerIndex = 2; }, 'spec.backoffLimitPerIndex', false],
  ['set max failed indexes', stored({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1 }, UID), (j) => { j.spec.maxFailedIndexes = 1; }, undefined, false],
  ['unset max failed indexes', stored({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1, maxFailedIndexes: 1 }, UID), (j) => { delete j.spec.maxFailedIndexes; }, undefined, false],
  ['update max failed indexes', stored({ completions: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1, maxFailedIndexes: 1 }, UID), (j) => { j.spec.maxFailedIndexes = 2; }, undefined, false],
  ['immutable pod template', stored({ completions: 3, completionMode: 'Indexed' }, UID), (j) => { j.spec.template.spec.dnsPolicy = 'ClusterFirstWithHostNet'; }, 'spec.template', false],
  ['immutable completion mode', stored({ completionMode: 'Indexed', completions: 2 }, UID), (j) => { j.spec.completionMode = 'NonIndexed'; }, 'spec.completionMode', false],
  ['immutable completions for non-indexed job', stored({ completionMode: 'NonIndexed', completions: 2 }, UID), (j) => { j.spec.completions = 4; }, 'spec.completions', false],
  ['immutable node affinity', stored({}, UID), (j) => { j.spec.template.spec.affinity = nodeAffinity(['bar', 'value2']); }, 'spec.template', false],
  ['add node affinity', stored({}, UID), (j) => { j.spec.template.spec.affinity = nodeAffinity(['bar', 'value2']); }, undefined, true],
  ['update node affinity', stored({ template: { metadata: { labels: stored({}, UID).spec.template.metadata.labels }, spec: { ...stored({}, UID).spec.template.spec, affinity: nodeAffinity(['bar', 'value']) } } }, UID), (j) => {
    j.spec.template.spec.affinity = nodeAffinity(['bar', 'value2']);
  }, undefined, true],
  ['remove affinity', stored({ template: { metadata: { labels: stored({}, UID).spec.template.metadata.labels }, spec: { ...stored({}, UID).spec.template.spec, affinity: nodeAffinity(['bar']) } } }, UID), (j) => {
    delete j.spec.template.spec.affinity;
  }, undefined, true],
  ['immutable tolerations', stored({}, UID), (j) => { j.spec.template.spec.tolerations = [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }]; }, 'spec.template', false],
  ['mutable tolerations', stored({}, UID), (j) => { j.spec.template.spec.tolerations = [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }]; }, undefined, true],
  ['immutable node selector', stored({}, UID), (j) => { j.spec.template.spec.nodeSelector = { foo: 'bar' }; }, 'spec.template', false],
  ['mutable node selector', stored({}, UID), (j) => { j.spec.template.spec.nodeSelector = { foo: 'bar' }; }, undefined, true],
  ['immutable annotations', stored({}, UID), (j) => { j.spec.template.metadata.annotations = { foo: 'baz' }; }, 'spec.template', false],
  ['mutable annotations', stored({}, UID), (j) => { j.spec.template.metadata.annotations = { foo: 'baz' }; }, undefined, true],
  ['immutable labels', stored({}, UID), (j) => { j.spec.template.metadata.labels.bar = 'baz'; }, 'spec.template', false],
  ['mutable labels', stored({}, UID), (j) => { j.spec.template.metadata.labels.bar = 'baz'; }, undefined, true],
  ['immutable schedulingGates', stored({}, UID), (j) => { j.spec.template.spec.schedulingGates = [{ name: 'gate' }]; }, 'spec.template', false],
  ['mutable schedulingGates', stored({}, UID), (j) => { j.spec.template.spec.schedulingGates = [{ name: 'gate' }]; }, undefined, true],
  ['update completions and parallelism to same value is valid', stored({ completions: 1, parallelism: 1, completionMode: 'Indexed' }, UID), (j) => { j.spec.completions = 2; j.spec.parallelism = 2; }, undefined, false],
  ['previous parallelism != previous completions, new parallelism == new completions', stored({ completions: 1, parallelism: 2, completionMode: 'Indexed' }, UID), (j) => {
    j.spec.completions = 3; j.spec.parallelism = 3;
  }, undefined, false],
  ['indexed job updating completions and parallelism to different values is invalid', stored({ completions: 1, parallelism: 1, completionMode: 'Indexed' }, UID), (j) => {
    j.spec.completions = 2; j.spec.parallelism = 3;
  }, 'spec.completions', false],
  ['indexed job with completions set updated to nil does not panic', stored({ completions: 1, parallelism: 1, completionMode: 'Indexed' }, UID), (j) => {
    delete j.spec.completions; j.spec.parallelism = 3;
  }, 'spec.completions', false],
  ['indexed job with completions unchanged, parallelism reduced to less than completions', stored({ completions: 2, parallelism: 2, completionMode: 'Indexed' }, UID), (j) => { j.spec.parallelism = 1; }, undefined, false],
  ['indexed job with completions unchanged, parallelism increased higher than completions', stored({ completions: 2, parallelism: 2, completionMode: 'Indexed' }, UID), (j) => { j.spec.parallelism = 3; }, undefined, false],
  ['reject container resource updates only with feature gate off', stored({ suspend: true }, UID), (j) => {
    j.spec.template.spec.containers[0].resources = { requests: { cpu: '200m', memory: '256Mi' } };
  }, 'spec.template', false],
];

describe('validateUpdate (upstream TestValidateJobUpdate cases)', () => {
  test.each(CASES)('%s', (_name, old, change, errPath, directives) => {
    // GIVEN a stored Job (suspended and never started when scheduling directives may change)
    const before = JSON.parse(JSON.stringify(old));
    if (directives) before.spec.suspend = true;
    const after = JSON.parse(JSON.stringify(before));
    // WHEN
    change(after);
    const found = validateUpdate(before, after, { kubernetesVersion: '1.35', minSeverity: 'error' });
    // THEN
    if (errPath === undefined) expect(found.map((v) => `${v.code}: ${v.message}`)).toEqual([]);
    else expect(found.map((v) => v.path)).toContain(errPath);
  });

  test('scheduling directives are immutable once the suspended Job has started', () => {
    const before = { ...stored({ suspend: true }, UID), status: { startTime: '2026-01-01T00:00:00Z' } };
    const after = JSON.parse(JSON.stringify(before));
    after.spec.template.spec.nodeSelector = { zone: 'a' };
    expect(validateUpdate(before, after, { kubernetesVersion: '1.35' }).map((v) => v.code)).toContain('FieldImmutable');
  });

  describe('from 1.36, suspended Jobs (MutablePodResourcesForSuspendedJobs, MutableSchedulingDirectivesForSuspendedJobs)', () => {
    const T0 = '2026-01-01T00:00:00Z';
    const suspendedCondition = { type: 'Suspended', status: 'True', lastTransitionTime: T0, lastProbeTime: T0 };
    const withResources = (j: any, cpu: string): void => {
      j.spec.template.spec.containers[0].resources = { requests: { cpu }, limits: { cpu } };
    };
    const paths = (before: any, change: Change, version: string): string[] => {
      const after = JSON.parse(JSON.stringify(before));
      change(after);
      return validateUpdate(before, after, { kubernetesVersion: version, minSeverity: 'error' }).map((v) => `${v.code} ${v.path}`);
    };

    test('container resources may change while suspended and never started, from 1.36 only', () => {
      const before = stored({ suspend: true }, UID);
      expect(paths(before, (j) => withResources(j, '2'), '1.36')).toEqual([]);
      expect(paths(before, (j) => withResources(j, '2'), '1.37')).toEqual([]);
      expect(paths(before, (j) => withResources(j, '2'), '1.35')).toEqual(['FieldImmutable spec.template']);
    });

    test('a started Job marked Suspended with no active pods may change resources and scheduling directives', () => {
      const before = { ...stored({ suspend: true }, UID), status: { startTime: T0, active: 0, conditions: [suspendedCondition] } };
      expect(paths(before, (j) => { withResources(j, '2'); j.spec.template.spec.nodeSelector = { zone: 'a' }; }, '1.36')).toEqual([]);
      expect(paths(before, (j) => { j.spec.template.spec.nodeSelector = { zone: 'a' }; }, '1.35')).toEqual(['FieldImmutable spec.template']);
    });

    test('other pod spec fields stay immutable, reported at spec.template.spec', () => {
      const before = stored({ suspend: true }, UID);
      expect(paths(before, (j) => { j.spec.template.spec.containers[0].image = 'other'; }, '1.36')).toEqual(['FieldImmutable spec.template.spec']);
    });

    test('active pods or a running Job keep the whole template immutable', () => {
      const active = { ...stored({ suspend: true }, UID), status: { startTime: T0, active: 1, conditions: [suspendedCondition] } };
      expect(paths(active, (j) => withResources(j, '2'), '1.36')).toEqual(['FieldImmutable spec.template']);
      expect(paths(stored({}, UID), (j) => withResources(j, '2'), '1.36')).toEqual(['FieldImmutable spec.template']);
    });
  });

  test('runs the create rules on the new object too', () => {
    const before = stored({}, UID);
    const after = JSON.parse(JSON.stringify(before));
    after.spec.parallelism = -1;
    expect(validateUpdate(before, after, { kubernetesVersion: '1.35' }).map((v) => v.code)).toContain('ParallelismNegative');
  });

  test('an update that omits the stored selector is rejected', () => {
    const before = stored({}, UID);
    const after = JSON.parse(JSON.stringify(before));
    delete after.spec.selector;
    const codes = validateUpdate(before, after, { kubernetesVersion: '1.35' }).map((v) => v.code);
    expect(codes).toEqual(expect.arrayContaining(['SelectorRequired', 'FieldImmutable']));
  });

  test('a CronJob update may change every job template field', () => {
    const cron = (parallelism: number) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'n' },
      spec: { schedule: '@daily', jobTemplate: { spec: { parallelism, completions: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } },
    });
    expect(validateUpdate(cron(1), cron(3), { kubernetesVersion: '1.35', minSeverity: 'error' })).toEqual([]);
  });
});

describe('JOB_SPEC_MUTABILITY and isMutableJobSpecPath', () => {
  test('lists every batch/v1 JobSpec field once', () => {
    const fields = JOB_SPEC_MUTABILITY.map((r) => r.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields.sort()).toEqual([
      'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'completionMode', 'completions', 'managedBy', 'manualSelector',
      'maxFailedIndexes', 'parallelism', 'podFailurePolicy', 'podReplacementPolicy', 'selector', 'successPolicy', 'suspend', 'template',
      'ttlSecondsAfterFinished',
    ]);
  });

  test.each([
    ['spec.parallelism', {}, true],
    ['ttlSecondsAfterFinished', {}, true],
    ['spec.activeDeadlineSeconds', {}, true],
    ['spec.suspend', {}, true],
    ['spec.selector', {}, false],
    ['spec.completionMode', {}, false],
    ['spec.podFailurePolicy.rules[0].action', {}, false],
    ['spec.completions', {}, false],
    ['spec.completions', { indexed: true }, true],
    ['spec.template.spec.nodeSelector', {}, false],
    ['spec.template.spec.nodeSelector', { suspended: true }, true],
    ['spec.template.spec.nodeSelector', { suspended: true, started: true }, false],
    ['spec.template.spec.tolerations[0].key', { suspended: true }, true],
    ['spec.template.spec.affinity.nodeAffinity', { suspended: true }, true],
    ['spec.template.spec.affinity.podAffinity', { suspended: true }, false],
    ['spec.template.spec.containers[0].image', { suspended: true }, false],
    ['spec.template.metadata.labels', { suspended: true }, true],
    ['spec.notAField', {}, false],
  ] as Array<[string, object, boolean]>)('%s in state %j → %s', (path, state, expected) => {
    expect(isMutableJobSpecPath(path, state)).toBe(expected);
  });

  test('every scheduling directive is mutable exactly while suspended and never started', () => {
    for (const d of MUTABLE_SCHEDULING_DIRECTIVES) {
      expect(isMutableJobSpecPath(`spec.${d}`, { suspended: true })).toBe(true);
      expect(isMutableJobSpecPath(`spec.${d}`, {})).toBe(false);
    }
  });

  test('validateUpdate agrees with the table: changing a mutable field passes, an immutable one fails', () => {
    const before = stored({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 1 }, UID);
    const changes: Record<string, unknown> = { parallelism: 2, activeDeadlineSeconds: 60, backoffLimit: 1, maxFailedIndexes: 1, ttlSecondsAfterFinished: 30, suspend: true, podReplacementPolicy: 'Failed' };
    for (const [field, value] of Object.entries(changes)) {
      expect(isMutableJobSpecPath(field)).toBe(true);
      const after = JSON.parse(JSON.stringify(before));
      after.spec[field] = value;
      expect(validateUpdate(before, after, { kubernetesVersion: '1.35', minSeverity: 'error' })).toEqual([]);
    }
    const immutableChanges: Record<string, unknown> = { backoffLimitPerIndex: 2, completionMode: 'NonIndexed', managedBy: 'example.com/x', podFailurePolicy: { rules: [] } };
    for (const [field, value] of Object.entries(immutableChanges)) {
      expect(isMutableJobSpecPath(field)).toBe(false);
      const after = JSON.parse(JSON.stringify(before));
      after.spec[field] = value;
      expect(validateUpdate(before, after, { kubernetesVersion: '1.35' }).map((v) => `${v.code} ${v.path}`)).toContain(`FieldImmutable spec.${field}`);
    }
  });
});
