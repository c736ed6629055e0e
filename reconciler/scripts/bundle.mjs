// Bundles the CLI into one dependency-free ESM file, dist/cli.mjs, plus
// dist/THIRD-PARTY-NOTICES.txt with the license text of every npm package inlined.
// The shared rules engine (`cdk8s-batch/rules`, resolved to ../src/rules) and every npm
// dependency are inlined, so the file runs with nothing but Node 20 installed. The same file
// is the `cdk8s-batch` bin of the construct library (copied to lib/cli/ by the root build),
// the bin of the cdk8s-batch-reconciler package and the entry point of the container image.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const outfile = 'dist/cli.mjs';
const result = await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  alias: { 'cdk8s-batch/rules': '../src/rules/index.ts' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cdk8sBatchCreateRequire } from 'node:module';\nconst require = __cdk8sBatchCreateRequire(import.meta.url);",
  },
  // Whitespace and syntax only: function and class names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  // The license texts go to THIRD-PARTY-NOTICES.txt, whole, instead of scattered comments.
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

/** The package directory (`…/node_modules/<name>` or `…/node_modules/@scope/<name>`) of a bundled input. */
function packageDir(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1] : undefined;
}

const dirs = [...new Set(Object.keys(result.metafile.inputs).map(packageDir).filter(Boolean))];
const notices = dirs
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    if (!pkg.license && !licenseFile) {
      throw new Error(`${pkg.name}@${pkg.version} is bundled into ${outfile} but declares no license; drop the dependency`);
    }
    // A few small packages ship no license file: their package.json license and author stand in.
    const author = typeof pkg.author === 'object' ? pkg.author?.name : pkg.author;
    const text = licenseFile
      ? readFileSync(join(dir, licenseFile), 'utf8').trim()
      : `${pkg.license} license (the package ships no license file)${author ? `; copyright ${author}` : ''}`;
    return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'see text', text };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

const header = `${outfile} bundles the following npm packages. Their license texts follow.\n`;
const body = notices
  .map((n) => `${'-'.repeat(78)}\n${n.name}@${n.version} (${n.license})\n\n${n.text}\n`)
  .join('\n');
writeFileSync(join(dirname(outfile), 'THIRD-PARTY-NOTICES.txt'), `${header}\n${body}`);
