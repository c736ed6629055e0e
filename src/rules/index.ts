// The pure rules engine, importable without cdk8s as `cdk8s-batch/rules`.
export * from './types';
export * from './versions';
export * from './engine';
export * from './table';
export { applyDefaults } from './defaults';
export * from './annotations';
export { validateUpdate } from './update';
