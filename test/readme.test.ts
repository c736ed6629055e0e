import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every ```ts / ```typescript block of README.md compiles on its own against the library sources,
 * with `cdk8s-batch` mapped to `src/index.ts` as users import it.
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

  test('a block with a type error is reported', () => {
    const broken = "import { OneShotJob } from 'cdk8s-batch';\nconst n: number = OneShotJob;\n";
    expect(diagnostics([broken])[0].join('\n')).toMatch(/__readme_block_1\.ts:2:7 .*not assignable to type 'number'/);
  });
});
