/**
 * Bundles a benchmark child script with esbuild (the reconciler's own build tool) into
 * `bench/results/<name>.mjs`, dependencies included, so it runs on plain Node without the tsx
 * loader: what the reconciler's memory is measured on, as it runs from its bundle in production.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../reconciler/package.json', import.meta.url));

/**
 * `asShipped`: also the settings of the `cdk8s-batch` CLI bundle (`reconciler/scripts/bundle.mjs`):
 * function names kept (`keepNames`), syntax minified.
 */
export async function bundle(script: string, asShipped = false): Promise<string> {
  const { build } = require('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const outfile = fileURLToPath(new URL(`../results/${script.replace(/\.ts$/, '.mjs')}`, import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL(`../${script}`, import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    alias: { 'cdk8s-batch/rules': fileURLToPath(new URL('../../src/rules/index.ts', import.meta.url)) },
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    ...(asShipped ? { keepNames: true, minifySyntax: true } : {}),
  });
  return outfile;
}
