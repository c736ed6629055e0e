import { cdk8s, javascript } from 'projen';
import { RulesDoc } from './projenrc/rules-doc';
import { addProjectTasks } from './projenrc/tasks';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-batch',
  description:
    'Typed cdk8s constructs for Kubernetes batch Jobs and CronJobs, validated at synth by a rules engine that matches the Kubernetes API server',
  author: 'cdk8s-batch maintainers',
  authorAddress: 'cdk8s-batch@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-batch/cdk8s-batch.git',
  keywords: ['cdk8s', 'kubernetes', 'job', 'cronjob', 'batch', 'constructs'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // 0.x until the API is declared stable: PyPI gets "Development Status :: 4 - Beta".
  stability: 'experimental',
  majorVersion: 0,

  // Peer ranges start at the oldest releases the library works with (cdk8s-plus-28 2.0.3 itself
  // needs cdk8s ^2.68.11 and constructs ^10.3.0): `scripts/app-repo-test.sh --peers oldest` builds
  // and runs the example app on exactly these in CI, `--peers newest` on the newest 2.x/10.x.
  // The repository builds and tests with the newer versions pinned in devDeps.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  jsiiVersion: '~5.9.0',
  peerDeps: ['cdk8s-plus-28@^2.0.3'],
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'cdk8s@2.70.106',
    'constructs@10.8.1',
    'cdk8s-plus-28@2.5.6',
    'fast-check@^3',
    'cdk8s-cli@^2.200.0',
    'tsx@^4',
    'yaml@^2',
  ],

  publishToPypi: {
    distName: 'cdk8s-batch',
    module: 'cdk8s_batch',
  },

  jestOptions: {
    // Snapshots are never rewritten by the test task: drift fails the build.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/reconciler/', '<rootDir>/examples/', '<rootDir>/bench/'],
      modulePathIgnorePatterns: ['<rootDir>/reconciler/', '<rootDir>/examples/', '<rootDir>/bench/', '<rootDir>/dist/'],
    },
  },
  gitignore: ['/examples/dist/', '/examples/node_modules/', '/reconciler/node_modules/', '/reconciler/dist/', '/reconciler/LICENSE', '/bench/results/', '/.jsii.tabl.json'],
  npmignoreEnabled: true,
});

// The rules engine is importable without cdk8s as `cdk8s-batch/rules` (used by the reconciler).
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './rules': { types: './lib/rules/index.d.ts', default: './lib/rules/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

// unrs-resolver@1.13.0 lists optional platform bindings that the registry lacks,
// which makes `npm ci` reject the lock file; pin the previous release.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The CLI (`npx cdk8s-batch check|sandbox|reconcile`) ships inside the library as one
// dependency-free ESM file, copied from the reconciler's bundle after compile (docs/adr/0005).
project.addBins({ 'cdk8s-batch': 'lib/cli/cdk8s-batch.mjs' });

addProjectTasks(project);

// The npm package ships the library only: the reconciler, examples, benchmarks and docs stay in the repo.
for (const dir of ['/reconciler/', '/examples/', '/bench/', '/docs/', '/.ci/', '/scripts/', '/cluster/', '/rosetta/', '/.jsii.tabl.json']) {
  project.npmignore?.exclude(dir);
}

new RulesDoc(project);

project.synth();
