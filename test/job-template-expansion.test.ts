import { Duration, Testing } from 'cdk8s';
import { JobTemplateExpansion } from '../src';
import { PATTERN_ANNOTATION } from '../src/rules';

const image = 'registry.example.com/convert:1.2';
const clean = { ttlAfterFinished: Duration.hours(1), activeDeadline: Duration.minutes(30) };

describe('JobTemplateExpansion', () => {
  beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterAll(() => jest.restoreAllMocks());

  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new JobTemplateExpansion(chart, 'convert', { containers: [{ image }], items: ['apple', 'banana'] });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('all options', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new JobTemplateExpansion(chart, 'convert', {
      ...clean,
      metadata: { name: 'convert', labels: { app: 'media' } },
      podMetadata: { labels: { tier: 'batch' } },
      containers: [{ image, args: ['--input=$(FRUIT)'] }],
      initContainers: [{ image: 'busybox:1.36', command: ['sh', '-c', 'echo $(FRUIT)'] }],
      items: ['apple', 'Dragon Fruit'],
      itemVariable: 'FRUIT',
      backoffLimit: 1,
    });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('creates one OneShotJob per item, carrying the item in an environment variable', () => {
    const chart = Testing.chart();
    const expansion = new JobTemplateExpansion(chart, 'convert', { ...clean, containers: [{ image }], items: ['a', 'b', 'c'] });
    const manifests = Testing.synth(chart);
    expect(manifests).toHaveLength(3);
    expect(manifests.map((m) => m.spec.template.spec.containers[0].env)).toEqual([
      [{ name: 'ITEM', value: 'a' }],
      [{ name: 'ITEM', value: 'b' }],
      [{ name: 'ITEM', value: 'c' }],
    ]);
    expect(manifests.every((m) => m.metadata.annotations[PATTERN_ANNOTATION] === 'OneShotJob')).toBe(true);
    expect(new Set(manifests.map((m) => m.metadata.name)).size).toBe(3);
    expect(expansion.jobs).toHaveLength(3);
    expect(expansion.items).toEqual(['a', 'b', 'c']);
    expect(expansion.itemVariable).toBe('ITEM');
  });

  test('labels every Job and pod with the shared expansion label', () => {
    const chart = Testing.chart();
    const expansion = new JobTemplateExpansion(chart, 'convert', { ...clean, containers: [{ image }], items: ['a', 'b'] });
    for (const m of Testing.synth(chart)) {
      expect(m.metadata.labels['batch.cdk8s.io/expansion']).toBe(expansion.labelValue);
      expect(m.spec.template.metadata.labels['batch.cdk8s.io/expansion']).toBe(expansion.labelValue);
    }
  });

  test('a given name becomes the prefix of every Job name', () => {
    const chart = Testing.chart();
    new JobTemplateExpansion(chart, 'convert', { ...clean, containers: [{ image }], items: ['apple', 'x/y'], metadata: { name: 'convert' } });
    expect(Testing.synth(chart).map((m) => m.metadata.name)).toEqual(['convert-apple', 'convert-item1']);
  });

  test('fails if there are no items', () => {
    const chart = Testing.chart();
    new JobTemplateExpansion(chart, 'convert', { containers: [{ image }], items: [] });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/convert\] ExpansionItemsRequired: items must list at least one work item \(got \[\]\); /);
  });

  test('fails if an item appears twice', () => {
    const chart = Testing.chart();
    new JobTemplateExpansion(chart, 'convert', { containers: [{ image }], items: ['a', 'a'] });
    expect(() => Testing.synth(chart)).toThrow(/ExpansionItemInvalid: items\[1\] must be a non-empty string that appears once \(got a\); /);
  });

  test('fails if the shared props are invalid for a Job', () => {
    const chart = Testing.chart();
    new JobTemplateExpansion(chart, 'convert', { containers: [{ image }], items: ['a'], backoffLimit: -1 });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/convert\/a\] BackoffLimitNegative/);
  });
});
