// This file only marks the module root. Each Kubernetes version is a module file of its own,
// modules/<minor>.mod with modules/<minor>.sum, which builds pass as -modfile; see cluster.ts.
module cdk8s-batch.local/cluster

go 1.26.0
