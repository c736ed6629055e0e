import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { displayName, isInputText, readInputs, STDIN_NAME } from '../../src/check/sources.ts';

const JOB = 'apiVersion: batch/v1\nkind: Job\n';

describe('readInputs', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cdk8s-batch-sources-'));
    for (const dir of ['m/sub', 'm/.git', 'm/node_modules/x']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'm/b.yaml'), JOB);
    writeFileSync(join(root, 'm/a.YML'), JOB);
    writeFileSync(join(root, 'm/sub/c.json'), '{"apiVersion": "v1", "kind": "ConfigMap"}');
    writeFileSync(join(root, 'm/README.md'), '# not read');
    writeFileSync(join(root, 'm/.git/config.yaml'), JOB);
    writeFileSync(join(root, 'm/node_modules/x/y.yaml'), JOB);
    symlinkSync(join(root, 'm'), join(root, 'm/sub/loop'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const stdin = (text: string): Readable => Readable.from([Buffer.from(text)]);

  it('walks directories recursively in path order, skipping hidden directories, node_modules, other extensions and symlink loops', async () => {
    const { items } = await readInputs(['m'], { cwd: root, stdin: stdin('') });
    assert.deepEqual(
      items.map((i) => i.file),
      ['m/a.YML', 'm/b.yaml', 'm/sub/c.json'],
    );
    assert.ok(items.every(isInputText));
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const { items } = await readInputs(['m/README.md'], { cwd: root, stdin: stdin('') });
    assert.ok(isInputText(items[0]));
    assert.equal(items[0].text, '# not read');
  });

  it('reads stdin once and reports a second -', async () => {
    const { items } = await readInputs(['-', '-'], { cwd: root, stdin: stdin(JOB) });
    assert.equal(items.length, 2);
    assert.ok(isInputText(items[0]) && items[0].text === JOB && items[0].file === STDIN_NAME);
    assert.ok(!isInputText(items[1]));
    assert.match(items[1].message, /more than once/);
  });

  it('keeps the order of the inputs, problems included', async () => {
    const { items } = await readInputs(['m/b.yaml', 'nope.yaml', '-'], { cwd: root, stdin: stdin(JOB) });
    assert.deepEqual(items.map((i) => [i.file, isInputText(i)]), [['m/b.yaml', true], ['nope.yaml', false], [STDIN_NAME, true]]);
  });

  it('names files relative to the working directory, or absolute outside it', () => {
    assert.equal(displayName('/repo/dist/a.yaml', '/repo'), 'dist/a.yaml');
    assert.equal(displayName('/elsewhere/a.yaml', '/repo'), '/elsewhere/a.yaml');
  });
});
