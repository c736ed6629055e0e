/**
 * Generates `src/rules/schema/data.ts`: for every supported Kubernetes minor version, the
 * batch/v1 Job and CronJob schema the API server serves (its OpenAPI v3 document
 * `/openapi/v3/apis/batch/v1`, committed upstream as
 * `api/openapi-spec/v3/apis__batch__v1_openapi.json` of each `k8s.io/kubernetes` tag), reduced
 * to what JSON decoding with strict field validation needs: the fields of every struct
 * reachable from Job and CronJob and each field's JSON type. Struct definitions that are the
 * same in several versions are stored once.
 *
 * The modules come from the Go module proxy (`go mod download`, run for any tag not yet in the
 * module cache). Type references in the output:
 * `s` string, `b` bool, `i32`/`i64` integers, `n` number, `q` resource.Quantity (string or
 * number), `ios` IntOrString, `t` metav1.Time (RFC 3339 string), `any` (RawExtension, FieldsV1),
 * `[]X` list of X, `{}X` map of string to X, anything else the name of a struct.
 *
 * Usage: npx tsx scripts/extract-schemas.ts [out-file]
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

/** The patch release read for every minor version (the newest on the Go module proxy when generated). */
export const TAGS: Record<string, string> = {
  '1.28': 'v1.28.15',
  '1.29': 'v1.29.6',
  '1.30': 'v1.30.14',
  '1.31': 'v1.31.14',
  '1.32': 'v1.32.13',
  '1.33': 'v1.33.13',
  '1.34': 'v1.34.4',
  '1.35': 'v1.35.4',
  '1.36': 'v1.36.3',
  '1.37': 'v1.37.2',
};

const DOC = 'api/openapi-spec/v3/apis__batch__v1_openapi.json';
const ROOTS = ['io.k8s.api.batch.v1.Job', 'io.k8s.api.batch.v1.CronJob'];
/** Schemas whose Go type decodes any JSON value. */
const ANY = new Set(['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']);
const SPECIAL: Record<string, string> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'q',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'ios',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 't',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 't',
};

type Schema = Record<string, any>;

function moduleDir(tag: string): string {
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = join(cache, 'k8s.io', `kubernetes@${tag}`);
  if (!existsSync(join(dir, DOC))) {
    const out = execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${tag}`], { encoding: 'utf8', cwd: '/tmp' });
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download k8s.io/kubernetes@${tag} failed: ${info.Error ?? out}`);
    return info.Dir;
  }
  return dir;
}

/** `io.k8s.api.core.v1.Container` → `core.v1.Container`. */
function shortName(ref: string): string {
  return ref.replace(/^#\/components\/schemas\//, '').replace(/^io\.k8s\.api\./, '').replace(/^io\.k8s\.apimachinery\.pkg\.apis\./, '');
}

function refOf(s: Schema): string | undefined {
  if (typeof s.$ref === 'string') return s.$ref;
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && typeof s.allOf[0].$ref === 'string') return s.allOf[0].$ref;
  return undefined;
}

/** The type reference of a property schema; queues referenced structs in `todo`. */
function typeOf(s: Schema, schemas: Record<string, Schema>, todo: string[]): string {
  const ref = refOf(s);
  if (ref) {
    const full = ref.replace(/^#\/components\/schemas\//, '');
    if (SPECIAL[full]) return SPECIAL[full];
    if (ANY.has(full)) return 'any';
    const target = schemas[full];
    if (!target) throw new Error(`unresolved $ref ${full}`);
    if (target.properties === undefined && target.type !== 'object') return typeOf(target, schemas, todo);
    todo.push(full);
    return shortName(full);
  }
  switch (s.type) {
    case 'string': return 's';
    case 'boolean': return 'b';
    case 'number': return 'n';
    case 'integer': return s.format === 'int32' ? 'i32' : 'i64';
    case 'array': return `[]${typeOf(s.items, schemas, todo)}`;
    case 'object':
      if (s.additionalProperties !== undefined) return `{}${typeOf(s.additionalProperties, schemas, todo)}`;
      return 'any';
  }
  throw new Error(`unsupported schema ${JSON.stringify(s).slice(0, 200)}`);
}

/** Every struct reachable from Job and CronJob: short name → field → type reference. */
function extract(doc: Schema): Record<string, Record<string, string>> {
  const schemas: Record<string, Schema> = doc.components.schemas;
  const out: Record<string, Record<string, string>> = {};
  const todo = [...ROOTS];
  while (todo.length > 0) {
    const full = todo.pop()!;
    const name = shortName(full);
    if (out[name]) continue;
    const fields: Record<string, string> = {};
    out[name] = fields;
    const props: Record<string, Schema> = schemas[full].properties ?? {};
    for (const key of Object.keys(props).sort()) fields[key] = typeOf(props[key], schemas, todo);
  }
  return out;
}

function main(): void {
  const outFile = process.argv[2] ?? join(__dirname, '..', 'src', 'rules', 'schema', 'data.ts');
  const types: Record<string, Record<string, string>> = {};
  const byContent = new Map<string, string>();
  const versions: Record<string, Record<string, string>> = {};
  for (const [minor, tag] of Object.entries(TAGS)) {
    const doc = JSON.parse(readFileSync(join(moduleDir(tag), DOC), 'utf8'));
    const structs = extract(doc);
    const table: Record<string, string> = {};
    for (const name of Object.keys(structs).sort()) {
      const content = JSON.stringify(structs[name]);
      let id = byContent.get(`${name} ${content}`);
      if (!id) {
        let n = 1;
        id = name;
        while (types[id]) id = `${name}~${++n}`;
        types[id] = structs[name];
        byContent.set(`${name} ${content}`, id);
      }
      table[name] = id;
    }
    versions[minor] = table;
  }
  const lines = [
    '// Generated by scripts/extract-schemas.ts from the OpenAPI v3 document the API server serves for',
    '// batch/v1 (api/openapi-spec/v3/apis__batch__v1_openapi.json of each k8s.io/kubernetes tag). Do not edit:',
    '// run `npx tsx scripts/extract-schemas.ts`.',
    '/* eslint-disable */',
    "import type { SchemaData } from './types';",
    '',
    '/** The tag each version was read from. */',
    `export const SCHEMA_SOURCES: Readonly<Record<string, string>> = ${JSON.stringify(TAGS)};`,
    '',
    '/** Struct definitions (id → field → type reference), each stored once. */',
    'export const SCHEMA_TYPES: SchemaData["types"] = {',
    ...Object.keys(types).sort().map((id) => `  ${JSON.stringify(id)}: ${JSON.stringify(types[id])},`),
    '};',
    '',
    '/** Per version: struct name → id in SCHEMA_TYPES. */',
    'export const SCHEMA_VERSIONS: SchemaData["versions"] = {',
    ...Object.keys(versions).map((v) => `  ${JSON.stringify(v)}: ${JSON.stringify(versions[v])},`),
    '};',
    '',
  ];
  writeFileSync(outFile, lines.join('\n'));
  process.stdout.write(`${outFile}: ${Object.keys(types).length} struct definitions for ${Object.keys(versions).length} versions\n`);
}

main();
