/**
 * Table rows for the pattern rules (`batch.cdk8s.io/pattern`). `codes.test.ts` runs every row.
 */
import { cronJob, cronJobWithTemplate, job } from './cronjob.cases';

const KEY = 'batch.cdk8s.io/pattern';
const VERSION_KEY = 'batch.cdk8s.io/kubernetes-version';

function annotated(pattern: string, spec: Record<string, any> = {}): any {
  return job(spec, { name: 'work', annotations: { [KEY]: pattern } });
}

function scheduled(pattern: string | undefined, templatePattern: string | undefined, jobSpec: Record<string, any> = {}): any {
  const cj = cronJobWithTemplate(
    jobSpec,
    pattern === undefined ? { name: 'nightly' } : { name: 'nightly', annotations: { [KEY]: pattern } },
    templatePattern === undefined ? undefined : { annotations: { [KEY]: templatePattern } },
  );
  return cj;
}

/** The version used when an entry has none: the one cdk8s-plus-28 targets. */
export const DEFAULT_CASE_VERSION = '1.28';

export const CASES: Array<{ code: string; valid: any[]; invalid: any[]; version?: string; update?: boolean }> = [
  {
    code: 'PatternUnknown',
    valid: [annotated('OneShotJob'), scheduled('ScheduledJob', 'IndexedJob', { completionMode: 'Indexed', completions: 3 }), job(), cronJob()],
    invalid: [annotated('OneShot'), annotated('oneshotjob'), scheduled('ScheduledJob', 'Nightly'), scheduled('CronJob', undefined)],
  },
  {
    code: 'PatternKindMismatch',
    valid: [annotated('WorkQueueJob', { parallelism: 4, completions: undefined }), scheduled('ScheduledJob', 'OneShotJob')],
    invalid: [annotated('ScheduledJob'), scheduled('OneShotJob', undefined), scheduled('ScheduledJob', 'ScheduledJob')],
  },
  {
    code: 'PatternMismatch',
    valid: [
      annotated('OneShotJob'),
      annotated('OneShotJob', { completions: 1, parallelism: 1, completionMode: 'NonIndexed' }),
      annotated('WorkQueueJob', { parallelism: 4 }),
      annotated('WorkQueueJob', { parallelism: 4, completions: 20 }),
      annotated('IndexedJob', { completionMode: 'Indexed', completions: 10, parallelism: 2 }),
      // templates are not defaulted by the server: unset counts still mean 1/1
      scheduled('ScheduledJob', 'OneShotJob'),
      scheduled('ScheduledJob', 'WorkQueueJob', { parallelism: 3 }),
      // an unannotated object has no pattern to match
      job({ completions: 5, parallelism: 9 }),
    ],
    invalid: [
      annotated('OneShotJob', { parallelism: 3 }),
      annotated('OneShotJob', { completions: 5 }),
      annotated('OneShotJob', { completionMode: 'Indexed', completions: 1 }),
      annotated('WorkQueueJob', { completions: 4 }),
      annotated('WorkQueueJob', { parallelism: 2, completions: 4, completionMode: 'Indexed' }),
      annotated('IndexedJob', { completions: 4 }),
      annotated('IndexedJob', { completionMode: 'Indexed', parallelism: 2 }),
      scheduled('ScheduledJob', 'IndexedJob', { completions: 3 }),
      scheduled('ScheduledJob', 'OneShotJob', { parallelism: 2 }),
    ],
  },
  {
    code: 'KubernetesVersionAnnotationInvalid',
    valid: [
      job({}, { name: 'a', annotations: { [VERSION_KEY]: '1.31' } }),
      job({}, { name: 'a', annotations: { [VERSION_KEY]: 'v1.28.4' } }),
      job(),
      scheduled('ScheduledJob', 'OneShotJob'),
    ],
    invalid: [
      job({}, { name: 'a', annotations: { [VERSION_KEY]: '1.12' } }),
      job({}, { name: 'a', annotations: { [VERSION_KEY]: 'latest' } }),
      cronJobWithTemplate({}, { name: 'nightly', annotations: { [VERSION_KEY]: '2.0' } }),
    ],
  },
];
