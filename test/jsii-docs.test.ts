import * as fs from 'fs';
import * as path from 'path';

/**
 * An awslint-style check in miniature on the compiled jsii assembly (`.jsii`, written by the
 * compile step that runs before the tests): every optional struct property documents its
 * default, and every exported type and member has a summary.
 */
const assemblyFile = path.join(__dirname, '..', '.jsii');

interface Docs {
  readonly summary?: string;
  readonly default?: string;
}
interface Member {
  readonly name: string;
  readonly optional?: boolean;
  readonly docs?: Docs;
}
interface Type {
  readonly fqn: string;
  readonly kind: string;
  readonly datatype?: boolean;
  readonly docs?: Docs;
  readonly properties?: Member[];
  readonly methods?: Member[];
  readonly members?: Member[];
}

function loadTypes(): Type[] {
  if (!fs.existsSync(assemblyFile)) {
    throw new Error(`${assemblyFile} is missing; compile first (npx jsii --silence-warnings=reserved-word)`);
  }
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
  return Object.values(assembly.types ?? {}) as Type[];
}

/** Documentation problems in the given assembly types. */
function docProblems(types: Type[]): string[] {
  const problems: string[] = [];
  for (const type of types) {
    if (!type.docs?.summary) problems.push(`${type.fqn} has no TSDoc summary`);
    for (const member of [...(type.properties ?? []), ...(type.methods ?? []), ...(type.members ?? [])]) {
      if (!member.docs?.summary) problems.push(`${type.fqn}.${member.name} has no TSDoc summary`);
    }
    if (!type.datatype) continue;
    for (const prop of type.properties ?? []) {
      if (!prop.optional) continue;
      const value = prop.docs?.default?.trim();
      if (!value) problems.push(`${type.fqn}.${prop.name} is optional but has no @default`);
      else if (value === 'undefined' || value === '- undefined') problems.push(`${type.fqn}.${prop.name} has "@default undefined"; say what happens instead`);
    }
  }
  return problems;
}

describe('jsii docs', () => {
  test('the assembly has the constructs', () => {
    const fqns = loadTypes().map((t) => t.fqn);
    expect(fqns).toEqual(expect.arrayContaining([
      'cdk8s-batch.OneShotJob',
      'cdk8s-batch.WorkQueueJob',
      'cdk8s-batch.IndexedJob',
      'cdk8s-batch.ScheduledJob',
      'cdk8s-batch.JobBaseProps',
    ]));
  });

  test('every optional struct property has a @default and every symbol a summary', () => {
    expect(docProblems(loadTypes())).toEqual([]);
  });

  test('the check reports a missing @default and an "undefined" default', () => {
    const bad: Type = {
      fqn: 'x.Props',
      kind: 'interface',
      datatype: true,
      docs: { summary: 'Props.' },
      properties: [
        { name: 'a', optional: true, docs: { summary: 'A.' } },
        { name: 'b', optional: true, docs: { summary: 'B.', default: 'undefined' } },
        { name: 'c', optional: false, docs: { summary: 'C.' } },
      ],
    };
    expect(docProblems([bad])).toEqual([
      'x.Props.a is optional but has no @default',
      'x.Props.b has "@default undefined"; say what happens instead',
    ]);
  });
});
