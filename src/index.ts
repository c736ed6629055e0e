// Public constructs of cdk8s-batch. One `export *` per construct file.
export * from './batch-settings';
export * from './job-base';
export * from './pod-failure-policy';
export * from './success-policy';
export * from './one-shot-job';
export * from './work-queue-job';
export * from './indexed-job';
export * from './schedule';
export * from './scheduled-job-template';
export * from './scheduled-job';
export * from './batch-rules';
export * from './job-template-expansion';
export * from './batch-reconciler';
