// The reconciler's pure core: `decide(observed, now, config)` and the vocabulary it speaks.
export * from './types.ts';
export * from './decide.ts';
export * from './config.ts';
export * from './findings.ts';
export * from './annotations.ts';
export * from './audit.ts';
export * from './scope.ts';
export * from './stuck.ts';
export * from './rerun.ts';
export * from './cronjob.ts';
export * from './schedule.ts';
export * from './cleanup.ts';
export * from './gate.ts';
export * from './quota.ts';
export * from './quantity.ts';
export * from './enforce.ts';
