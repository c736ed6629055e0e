// Bundles the CLI into dist/cli.mjs. The shared rules engine (`cdk8s-batch/rules`,
// resolved through tsconfig paths to ../src/rules) is inlined; npm dependencies
// stay external and are installed next to the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  alias: { 'cdk8s-batch/rules': '../src/rules/index.ts' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cdk8sBatchCreateRequire } from 'node:module';\nconst require = __cdk8sBatchCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
