import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import * as rules from 'cdk8s-batch/rules';

// The rules engine is CommonJS (it is part of the jsii package); this ES module package sees
// only the named exports Node can detect statically. A runtime export added to
// src/rules/index.ts with `export *` would be invisible here: this test catches that.
it('exposes every runtime export of the rules engine as a named ES module export', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../../src/rules/index.ts') as Record<string, unknown>;
  const missing = Object.keys(cjs).filter((name) => name !== '__esModule' && !(name in rules));
  assert.deepEqual(missing, [], `re-export these by name in src/rules/index.ts: ${missing.join(', ')}`);
});
