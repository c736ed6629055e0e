import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import * as library from '../src';

/**
 * Every ```ts / ```typescript block of README.md compiles on its own against the library sources,
 * with `cdk8s-batch` mapped to `src/index.ts` as users import it; and every ```yaml block that
 * follows a TypeScript block is what that block really synthesizes (trimmed: keys may be left out,
 * and a key with no value stands for anything).
 */
const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function codeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```(ts|typescript)\s*\n([\s\S]*?)^```\s*$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) blocks.push(m[2]);
  return blocks;
}

/** Compiles the blocks in one program; returns each block's diagnostics, in block order. */
function diagnostics(codes: string[]): string[][] {
  // Virtual files live in test/ so that module resolution finds node_modules.
  const files = new Map(codes.map((code, i) => [path.join(root, 'test', `__readme_block_${i + 1}.ts`), code]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    paths: {
      'cdk8s-batch': [path.join(root, 'src', 'index.ts')],
      'cdk8s-batch/rules': [path.join(root, 'src', 'rules', 'index.ts')],
    },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const code = files.get(name);
    return code !== undefined ? ts.createSourceFile(name, code, languageVersion, true) : getSourceFile(name, languageVersion, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const format = (d: ts.Diagnostic): string => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const file = d.file ? path.relative(root, d.file.fileName) : '';
    return `${file}${where ? `:${where.line + 1}:${where.character + 1}` : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  };
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(format);
  return [...files.keys()].map((name) => {
    const file = program.getSourceFile(name)!;
    return [...global, ...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) =>
      typeof d === 'string' ? d : format(d),
    );
  });
}

/** The fenced blocks of a markdown text, in order, with their language. */
function fencedBlocks(markdown: string): Array<{ lang: string; code: string }> {
  const blocks: Array<{ lang: string; code: string }> = [];
  const fence = /^```(\w*)\s*\n([\s\S]*?)^```\s*$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) blocks.push({ lang: m[1], code: m[2] });
  return blocks;
}

/** Runs a README TypeScript block in this process and returns the manifests its app wrote. */
function synthesize(code: string): any[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-readme-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const modules: Record<string, unknown> = { 'cdk8s-batch': library, 'cdk8s': cdk8s, 'cdk8s-plus-28': kplus };
    const load = (id: string): unknown => {
      if (!(id in modules)) throw new Error(`README examples may import ${Object.keys(modules).join(', ')} (got ${id})`);
      return modules[id];
    };
    const quiet = { ...console, log: () => undefined };
    new Function('require', 'exports', 'module', 'console', js)(load, {}, { exports: {} }, quiet);
    return fs.readdirSync(outdir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS()));
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Whether `shown` is `actual` with keys left out; `null` (a key with no value) matches anything. */
function isTrimmedFrom(shown: unknown, actual: unknown): boolean {
  if (shown === null) return true;
  if (Array.isArray(shown)) {
    return Array.isArray(actual) && shown.length === actual.length && shown.every((s, i) => isTrimmedFrom(s, actual[i]));
  }
  if (typeof shown === 'object') {
    return typeof actual === 'object' && actual !== null &&
      Object.entries(shown as object).every(([k, v]) => k in (actual as object) && isTrimmedFrom(v, (actual as any)[k]));
  }
  return shown === actual;
}

describe('README', () => {
  const blocks = codeBlocks(readme);
  let results: string[][];
  beforeAll(() => {
    results = diagnostics(blocks);
  });

  test('has a TypeScript example for every construct', () => {
    for (const name of ['OneShotJob', 'WorkQueueJob', 'IndexedJob', 'ScheduledJob', 'JobTemplateExpansion']) {
      expect(blocks.some((b) => b.includes(`new ${name}(`))).toBe(true);
    }
  });

  test.each(blocks.map((_, i) => i + 1))('TypeScript block %i compiles', (n) => {
    expect(results[n - 1]).toEqual([]);
  });

  const pairs = fencedBlocks(readme).flatMap((b, i, all) =>
    (b.lang === 'ts' || b.lang === 'typescript') && all[i + 1]?.lang === 'yaml' ? [{ code: b.code, yaml: all[i + 1].code }] : [],
  );

  test('shows the synthesized manifest of every construct example', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(4);
  });

  test.each(pairs.map((p, i) => [i + 1, p] as const))('manifest %i is the real synth output, trimmed', (_, pair) => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const actual = synthesize(pair.code);
      const shown = parseAllDocuments(pair.yaml).map((d) => d.toJS());
      expect(shown.length).toBeGreaterThan(0);
      for (const doc of shown) {
        const candidates = actual.filter((a) => a.kind === doc.kind && a.metadata?.name === doc.metadata?.name);
        expect(candidates).toHaveLength(1);
        expect(isTrimmedFrom(doc, candidates[0])).toBe(true);
      }
    } finally {
      stderr.mockRestore();
    }
  });

  test('a trimmed manifest must not contain values the synth output lacks', () => {
    expect(isTrimmedFrom({ spec: { parallelism: 4, template: null } }, { spec: { parallelism: 4, template: { a: 1 } } })).toBe(true);
    expect(isTrimmedFrom({ spec: { parallelism: 5 } }, { spec: { parallelism: 4 } })).toBe(false);
    expect(isTrimmedFrom({ spec: { suspend: true } }, { spec: {} })).toBe(false);
  });

  test('a block with a type error is reported', () => {
    const broken = "import { OneShotJob } from 'cdk8s-batch';\nconst n: number = OneShotJob;\n";
    expect(diagnostics([broken])[0].join('\n')).toMatch(/__readme_block_1\.ts:2:7 .*not assignable to type 'number'/);
  });
});
