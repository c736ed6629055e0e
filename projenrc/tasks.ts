import { cdk8s } from 'projen';

/**
 * Tasks that projen does not generate for a construct library: the reconciler
 * package, the example app, and offline Python packaging.
 */
export function addProjectTasks(project: cdk8s.ConstructLibraryCdk8s): void {
  // --- Offline Python packaging (PyPI is unreachable on the build machines) ---
  // jsii-pacmak's own python step pins setuptools/build/twine from PyPI; generate
  // the sources with --code-only and build with Debian's python3-build instead.
  const pythonOffline = project.addTask('package:python:offline', {
    description: 'Build the Python sdist and wheel without reaching PyPI (needs Debian python3-build)',
    steps: [
      { exec: 'rm -rf dist/.python-src dist/python' },
      { exec: 'jsii-pacmak -v --target python --code-only --outdir dist/.python-src' },
      {
        exec: '/usr/bin/python3 -m build --no-isolation --skip-dependency-check --outdir dist/python dist/.python-src/python',
      },
      { exec: 'rm -rf dist/.python-src' },
      { exec: 'twine check dist/python/*' },
    ],
  });
  const packageAll = project.tasks.tryFind('package-all')!;
  packageAll.reset();
  packageAll.spawn(project.tasks.tryFind('package:js')!);
  packageAll.spawn(pythonOffline);

  // --- The reconciler package (reconciler/, plain Node ESM, not jsii) ---
  const reconcilerInstall = project.addTask('reconciler:install', {
    description: 'Install the reconciler package dependencies when its lock file changed',
    exec: '[ reconciler/node_modules/.package-lock.json -nt reconciler/package-lock.json ] || npm ci --prefix reconciler --no-audit --no-fund',
  });
  const reconcilerBuild = project.addTask('reconciler:build', {
    description: 'Type-check and bundle the reconciler CLI',
    exec: 'npm run --prefix reconciler build',
  });
  const reconcilerTest = project.addTask('reconciler:test', {
    description: 'Lint and test the reconciler package',
    exec: 'npm run --prefix reconciler test',
  });
  const postCompile = project.tasks.tryFind('post-compile')!;
  postCompile.spawn(reconcilerInstall);
  postCompile.spawn(reconcilerBuild);
  project.testTask.spawn(reconcilerTest);

  // --- The product on the example app, with no cluster ---
  // The CLI runs from source with tsx, in examples/ so that it synthesizes the example app
  // (examples/tsconfig.json maps `cdk8s-batch` and `cdk8s-batch/rules` to the sources).
  const sandbox = project.addTask('sandbox', {
    description: 'Synthesize the example app and run it on an emulated cluster with the reconciler (no cluster needed)',
    cwd: 'examples',
    env: { CDK8S_CHECK_UPGRADE: 'false' },
    receiveArgs: true,
  });
  sandbox.spawn(reconcilerInstall);
  sandbox.exec('node --import tsx ../reconciler/src/main.ts sandbox', { receiveArgs: true });

  const checkExamples = project.addTask('check:examples', {
    description: 'Synthesize the example app and check it with cdk8s-batch check',
    cwd: 'examples',
    env: { CDK8S_CHECK_UPGRADE: 'false' },
    receiveArgs: true,
  });
  checkExamples.spawn(reconcilerInstall);
  checkExamples.exec('npx tsx main.ts');
  // no --kubernetes-version: each manifest records the version it was validated for
  checkExamples.exec('node --import tsx ../reconciler/src/main.ts check dist', { receiveArgs: true });

  // --- A real Kubernetes control plane built from the Go modules (cluster/, docs/adr/0004) ---
  const clusterTasks: Record<string, string> = {
    up: 'Start etcd, kube-apiserver and kube-controller-manager on 127.0.0.1 (builds the version on first use): -- --kubernetes-version 1.37 [--feature-gates A=true]',
    down: 'Stop the cluster started by cluster:up and remove its etcd data (-- --keep-data keeps it)',
    restart: 'Restart one control-plane component of the running cluster: -- --component kube-apiserver [--kill]',
    build: 'Build the control-plane binary of a Kubernetes version into the cache: -- --kubernetes-version 1.37|all',
    module: 'Regenerate cluster/modules/<minor>.mod and .sum from the pinned k8s.io/kubernetes release',
  };
  for (const [name, description] of Object.entries(clusterTasks)) {
    project.addTask(`cluster:${name}`, { description, exec: `node --import tsx cluster/cluster.ts ${name}`, receiveArgs: true });
  }
  project.addTask('cluster:smoke', {
    description: 'Run Jobs and a CronJob on the cluster started by cluster:up (real job, CronJob, TTL and GC controllers)',
    exec: 'bash cluster/smoke.sh',
  });
}
