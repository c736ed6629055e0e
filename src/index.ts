// Public constructs of cdk8s-batch. One `export *` per construct file.
export {};
