import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { ALIAS_EXPANSION_ALLOWANCE, MAX_DEPTH, parseManifests } from '../../src/check/parse.ts';
import { KUBERNETES_YAML_SCHEMA } from '../../src/check/yaml-schema.ts';

const JOB = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\n';

describe('parseManifests', () => {
  it('reads every document of a multi-document file and drops empty documents', () => {
    const text = `${JOB}---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n`;
    const { objects, problems } = parseManifests(text, 'a.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((o) => o.object.kind), ['Job', 'ConfigMap']);
    assert.ok(objects.every((o) => o.file === 'a.yaml'));
  });

  it('reads JSON, including a top-level array of objects', () => {
    const text = JSON.stringify([{ apiVersion: 'batch/v1', kind: 'Job' }, { apiVersion: 'batch/v1', kind: 'CronJob' }], null, 2);
    const { objects, problems } = parseManifests(text, 'a.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((o) => o.object.kind), ['Job', 'CronJob']);
  });

  it('expands List objects (kind: List and *List) into their items', () => {
    const text = [
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: Job\n- apiVersion: batch/v1\n  kind: CronJob\n',
      'apiVersion: batch/v1\nkind: JobList\nmetadata: {}\nitems:\n- apiVersion: batch/v1\n  kind: Job\n',
    ].join('---\n');
    const { objects, problems } = parseManifests(text, 'list.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((o) => o.object.kind), ['Job', 'CronJob', 'Job']);
  });

  it('keeps a *List kind without items as an ordinary object', () => {
    const { objects } = parseManifests('apiVersion: example.com/v1\nkind: PlayList\nspec: {}\n', 'a.yaml');
    assert.equal(objects.length, 1);
    assert.equal(objects[0].object.kind, 'PlayList');
  });

  it('reads timestamps as strings and resolves merge keys, as Kubernetes does', () => {
    const text = 'base: &b\n  x: 1\napiVersion: batch/v1\nkind: Job\nmetadata:\n  creationTimestamp: 2024-05-01T10:00:00Z\nspec:\n  <<: *b\n  z: 2\n';
    const [obj] = parseManifests(text, 'a.yaml').objects;
    assert.equal((obj.object.metadata as Record<string, unknown>).creationTimestamp, '2024-05-01T10:00:00Z');
    assert.deepEqual(obj.object.spec, { x: 1, z: 2 });
  });

  it('resolves plain scalars as kubectl does (go-yaml v2: YAML 1.1 booleans, leading-0 octal)', () => {
    const text = [
      'apiVersion: v1',
      'kind: Thing',
      'values: [yes, No, on, OFF, y, n, true, "yes", \'no\', 0644, 0o17, 0x1F, 1_000, -012, 08, 0, 1.5, ~, maybe]',
    ].join('\n');
    const [obj] = parseManifests(text, 'a.yaml').objects;
    assert.deepEqual(obj.object.values, [true, false, true, false, true, false, true, 'yes', 'no', 420, 15, 31, 1000, -10, 8, 0, 1.5, null, 'maybe']);
  });

  it('reads floats as the YAML 1.2 core schema does, and words that only start like booleans as strings', () => {
    const floats = ['1.5', '-2.5e3', '+1.0', '.5', '-.inf', '+.Inf', '.INF', '.nan', '.NaN', '1e3', '6.02E23', '1_0.5', '.', '+.', '1.2.3', '-x'];
    const words = ['yess', 'yES', 'Onn', 'offf', 'nope', 'trueish', 'False!', 'o', 'f', 't', 'no-'];
    const text = `apiVersion: v1\nkind: Thing\nfloats: [${floats.join(', ')}]\nwords: [${words.join(', ')}]\n`;
    const [obj] = parseManifests(text, 'a.yaml').objects;
    const core = floats.map((f) => jsyaml.load(f, { schema: jsyaml.CORE_SCHEMA }));
    assert.deepEqual(obj.object.floats, core);
    assert.deepEqual(obj.object.floats, [1.5, -2500, 1, 0.5, -Infinity, Infinity, Infinity, NaN, NaN, 1000, 6.02e23, '1_0.5', '.', '+.', '1.2.3', '-x']);
    assert.deepEqual(obj.object.words, words);
  });

  it('resolves every plain scalar as the core schema with YAML 1.1 booleans and go-yaml integers tried one after the other does (property)', () => {
    // The reference: the straightforward definition, one implicit type per kind, in the core schema's order.
    const TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
    const FALSE = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
    const INT = /^([-+]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
    const digits = (d: string): number => {
      const p = d.slice(0, 2).toLowerCase();
      if (p === '0b') return parseInt(d.slice(2), 2);
      if (p === '0o') return parseInt(d.slice(2), 8);
      if (p === '0x') return parseInt(d.slice(2), 16);
      return d.length > 1 && d.startsWith('0') ? parseInt(d.slice(1), 8) : parseInt(d, 10);
    };
    const reference = jsyaml.CORE_SCHEMA.extend({
      implicit: [
        new jsyaml.Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: (d: string | null) => d !== null && [...TRUE, ...FALSE].includes(d), construct: (d: string) => TRUE.includes(d) }),
        new jsyaml.Type('tag:yaml.org,2002:int', {
          kind: 'scalar',
          // go-yaml v2 reads a scalar as a number only when it starts with a sign or a digit (`_0` is a string).
          resolve: (d: string | null) => d !== null && /^[-+0-9]/.test(d) && INT.test(d.replace(/_/g, '')),
          construct: (d: string) => {
            const [, sign, rest] = INT.exec(d.replace(/_/g, ''))!;
            return sign === '-' ? -digits(rest) : digits(rest);
          },
        }),
        (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge,
      ],
    });
    const scalar = fc.stringOf(fc.constantFrom(...'0123456789+-._eExXoObBaAfFnNtTyYsSlLuUrRiI~ '.split('')), { minLength: 1, maxLength: 8 })
      .filter((s) => s.trim() === s && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/ #|: /.test(s));
    const words = fc.constantFrom('~', 'null', 'Null', 'NULL', 'nULL', ...[...'yYnN'], 'yes', 'No', 'ON', 'off', 'Off', 'oFF', 'true', 'False', 'TRUE', '.inf', '-.Inf', '.NaN', '0o17', '0x1F', '0b101', '-012', '1_000', '08', '-0', '+0', '0.0', '-0.0', '1e3', '<<');
    fc.assert(
      fc.property(fc.oneof(scalar, words), (s) => {
        const text = `v: ${s}\n`;
        let expected: unknown;
        try {
          expected = jsyaml.load(text, { schema: reference });
        } catch {
          return; // not a plain scalar in this position
        }
        assert.deepStrictEqual(jsyaml.load(text, { schema: KUBERNETES_YAML_SCHEMA }), expected);
      }),
      { numRuns: 3000 },
    );
    assert.deepStrictEqual(jsyaml.load('[!!int 0644, !!bool yes, !!float 1, !!null ~, !!str 12, !!int "0x1F"]', { schema: KUBERNETES_YAML_SCHEMA }), [420, true, 1, null, '12', 31]);
  });

  it('rejects language-specific tags such as !!binary', () => {
    const { problems } = parseManifests('apiVersion: v1\nkind: Secret\ndata: !!binary aGVsbG8=\n', 'a.yaml');
    assert.match(problems[0].message, /unknown tag/);
  });

  it('reports invalid YAML with the line and keeps no objects from that input', () => {
    const { objects, problems } = parseManifests(`${JOB}---\nspec:\n  a: [1, 2\n`, 'bad.yaml');
    assert.equal(objects.length, 0);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, 'bad.yaml');
    assert.equal(problems[0].line, 8);
    assert.match(problems[0].message, /^invalid YAML: .*flow collection/);
  });

  it('reports duplicate keys as invalid YAML', () => {
    const { problems } = parseManifests('apiVersion: batch/v1\nkind: Job\nkind: Job\n', 'dup.yaml');
    assert.equal(problems[0].line, 3);
    assert.match(problems[0].message, /duplicated mapping key/);
  });

  it('names the document, line and value of documents that are not Kubernetes objects', () => {
    const text = 'just a string\n---\napiVersion: batch/v1\n---\napiVersion: batch/v1\nkind: 7\n---\n- 5\n';
    const { objects, problems } = parseManifests(text, 'odd.yaml');
    assert.equal(objects.length, 0);
    assert.deepEqual(
      problems.map((p) => [p.line, p.message.split(';')[0]]),
      [
        [1, 'document 1: is not a Kubernetes object (got "just a string")'],
        [3, 'document 2: has no kind'],
        [5, 'document 3: kind must be a non-empty string (got 7)'],
        [8, 'document 4, item [0]: is not a Kubernetes object (got 5)'],
      ],
    );
  });

  it('reports a List whose items is not a list', () => {
    const { problems } = parseManifests('apiVersion: v1\nkind: List\nitems: 3\n', 'l.yaml');
    assert.match(problems[0].message, /^document 1: List\.items must be a list of objects \(got 3\)/);
  });

  it('stops a "billion laughs" alias bomb without expanding it', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
    const text = `${lines.join('\n')}\n`;
    const { objects, problems } = parseManifests(text, 'bomb.yaml');
    assert.equal(objects.length, 0);
    assert.match(problems[0].message, /aliases expand to more than \d+ nodes/);
    assert.ok(ALIAS_EXPANSION_ALLOWANCE + text.length < 9 ** 9);
  });

  it('accepts modest alias reuse', () => {
    const text = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  labels: &l {app: x}\n  annotations: *l\n';
    const { objects, problems } = parseManifests(text, 'ok.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual((objects[0].object.metadata as Record<string, unknown>).annotations, { app: 'x' });
  });

  it('rejects nesting deeper than the limit, in YAML and in JSON', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const text of [deep, `apiVersion: v1\nkind: X\nspec: ${'{a: '.repeat(MAX_DEPTH + 1)}1${'}'.repeat(MAX_DEPTH + 1)}\n`]) {
      const { problems } = parseManifests(text, 'deep.yaml');
      assert.equal(problems.length, 1);
      assert.match(problems[0].message, new RegExp(`nesting deeper than ${MAX_DEPTH} levels`));
    }
  });

  it('finds the line of the field a path names, and falls back to the deepest found ancestor', () => {
    const text = [
      '# leading comment',
      '---',
      'apiVersion: batch/v1', // 3
      'kind: Job',
      'metadata:',
      '  labels:',
      '    app.kubernetes.io/name: x', // 7
      '    app: y',
      'spec:', // 9
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: a', // 13
      '          image: b',
      '        -',
      '          name: c',
      '          image: d', // 17
    ].join('\n');
    const [obj] = parseManifests(text, 'a.yaml', { positions: true }).objects;
    assert.equal(obj.line, 3);
    const lineOf = obj.lineOf!;
    assert.equal(lineOf('metadata.labels.app.kubernetes.io/name'), 7);
    assert.equal(lineOf('metadata.labels.app'), 8);
    assert.equal(lineOf('spec.template.spec.containers[0]'), 13);
    assert.equal(lineOf('spec.template.spec.containers[0].image'), 14);
    assert.equal(lineOf('spec.template.spec.containers[1].image'), 17);
    assert.equal(lineOf('spec.ttlSecondsAfterFinished'), 9);
    assert.equal(lineOf('status.active'), 3);
  });

  it('finds field lines in JSON and in List items', () => {
    const json = '{"apiVersion": "batch/v1",\n "kind": "Job",\n "spec": {\n  "parallelism": -1}}';
    const [a] = parseManifests(json, 'a.json', { positions: true }).objects;
    assert.equal(a.lineOf!('spec.parallelism'), 4);
    const list = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: Job\n- apiVersion: batch/v1\n  kind: Job\n  spec:\n    parallelism: -1\n';
    const [, second] = parseManifests(list, 'l.yaml', { positions: true }).objects;
    assert.equal(second.line, 6);
    assert.equal(second.lineOf!('spec.parallelism'), 9);
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.fullUnicodeString(), fc.constantFrom('{', '- [', '&a *a', '? : :', '%YAML 1.2\n---', '!!binary x')), (text) => {
        const result = parseManifests(text, 'x.yaml', { positions: true });
        assert.ok(Array.isArray(result.objects) && Array.isArray(result.problems));
      }),
      { numRuns: 300 },
    );
  });

  it('puts every key of a dumped object on the line that shows it (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,7}$/);
    const leaf = fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z ]{0,10}$/));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 4 }), fc.boolean(), (spec, flow) => {
        const object = { apiVersion: 'v1', kind: 'Thing', spec };
        const text = flow ? JSON.stringify(object, null, 1) : jsyaml.dump(object);
        const [obj] = parseManifests(text, 'p.yaml', { positions: true }).objects;
        const lines = text.split('\n');
        for (const name of Object.keys(spec)) {
          const line = obj.lineOf!(`spec.${name}`)!;
          assert.match(lines[line - 1], new RegExp(`^\\s*(- )?['"]?${name}['"]?:`), `spec.${name} at line ${line} of\n${text}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
