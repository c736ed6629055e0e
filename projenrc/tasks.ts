import { cdk8s } from 'projen';

/**
 * Tasks that projen does not generate for a construct library: the reconciler
 * package and the CLI bundle inside the library, the example app, Python examples
 * translated by jsii-rosetta, and the release version shared by both npm packages.
 */
export function addProjectTasks(project: cdk8s.ConstructLibraryCdk8s): void {
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
  // The library's `cdk8s-batch` bin is the reconciler's dependency-free bundle (docs/adr/0005).
  const cliBundle = project.addTask('cli:bundle', {
    description: 'Copy the bundled CLI into the library (lib/cli/), where its bin entry points',
    steps: [
      { exec: 'mkdir -p lib/cli' },
      { exec: 'cp reconciler/dist/cli.mjs lib/cli/cdk8s-batch.mjs' },
      { exec: 'cp reconciler/dist/THIRD-PARTY-NOTICES.txt lib/cli/THIRD-PARTY-NOTICES.txt' },
      { exec: 'chmod +x lib/cli/cdk8s-batch.mjs' },
    ],
  });
  const postCompile = project.tasks.tryFind('post-compile')!;
  postCompile.spawn(reconcilerInstall);
  postCompile.spawn(reconcilerBuild);
  postCompile.spawn(cliBundle);

  // Every TypeScript example of the README and the API docs compiles (--strict), and
  // jsii-pacmak takes the Python README and docstrings from the translations in .jsii.tabl.json.
  const rosetta = project.addTask('rosetta:extract', {
    description: 'Compile the README and docstring examples and translate them for the Python package',
    exec: 'jsii-rosetta extract --strict --compile .jsii',
  });
  postCompile.spawn(rosetta);

  // Both npm packages and the container image carry one version: the release bump of the
  // library is applied to the reconciler package too, and undone with it.
  const syncVersion = 'npm version --prefix reconciler --no-git-tag-version --allow-same-version';
  project.tasks.tryFind('bump')!.exec(`${syncVersion} "$(node -p "require('./package.json').version")"`);
  project.tasks.tryFind('unbump')!.exec(`${syncVersion} 0.0.0`);
  project.testTask.spawn(reconcilerTest);

  // --- Golden verdicts of real API servers (test/golden) ---
  // Both need a running control plane of the version (KUBECONFIG); the ordinary test suite only
  // reads the recorded data.
  project.addTask('golden:record', {
    description: 'Record the real API server verdicts on the golden corpus: golden:record -- --kubernetes-version 1.37 (needs KUBECONFIG)',
    exec: 'tsx scripts/golden-record.ts',
    receiveArgs: true,
  });
  project.addTask('golden:report', {
    description: 'List the disagreements of the rules engine with the recorded verdicts: golden:report -- --kubernetes-version 1.37',
    exec: 'tsx scripts/golden-report.ts',
    receiveArgs: true,
  });
  project.addTask('golden:verify', {
    description: 'Re-check recorded verdicts and a fresh random sample against the live API server (needs KUBECONFIG)',
    exec: 'tsx scripts/golden-verify.ts',
    receiveArgs: true,
  });

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
