/**
 * The committed golden data, under `test/golden/data/`:
 *
 * - `objects.jsonl.gz`: every object any version's verdicts refer to, one `{"h","o"}` line each
 *   (`h` = first 16 hex digits of the SHA-256 of the JSON text sent, `o` = the object);
 * - `<minor>.jsonl.gz`: one line per corpus entry with the verdict of that version's server:
 *   `{"id","h"}` plus `"o"` (old object of an update), `"a":1` when accepted, else `"s"` (HTTP
 *   status) and `"c"` (causes as `[path, type, message]`), `"w"` (warnings) when there were any,
 *   or `"skip"` (why the entry could not be judged);
 * - `manifest.json`: per version, the server's gitVersion, the corpus plan and seed, the counts
 *   and the command that recorded it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import type { CorpusPlan } from './corpus';
import type { Recorded } from './harness';
import { Cause, Verdict, hashObject } from './verdict';

export const DATA_DIR = join(__dirname, 'data');
const OBJECTS_FILE = join(DATA_DIR, 'objects.jsonl.gz');
const MANIFEST_FILE = join(DATA_DIR, 'manifest.json');

/** One recorded row. */
export interface Row {
  readonly id: string;
  readonly h?: string;
  readonly o?: string;
  readonly a?: 1;
  readonly s?: number;
  readonly c?: Array<[string, string, string]>;
  readonly w?: string[];
  readonly skip?: string;
}

/** What the manifest says about one version. */
export interface VersionManifest {
  readonly server: string;
  readonly recordedAt: string;
  readonly plan: CorpusPlan;
  readonly entries: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly command: string;
}

function readJsonl(file: string): any[] {
  if (!existsSync(file)) return [];
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

function writeJsonl(file: string, rows: unknown[]): void {
  writeFileSync(file, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n', { level: 9 }));
}

/** The minor versions with recorded verdicts, oldest first. */
export function recordedVersions(): string[] {
  if (!existsSync(DATA_DIR)) return [];
  return readdirSync(DATA_DIR)
    .map((f) => /^(\d+\.\d+)\.jsonl\.gz$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

export function readRows(version: string): Row[] {
  return readJsonl(join(DATA_DIR, `${version}.jsonl.gz`));
}

export function readObjects(): Map<string, unknown> {
  return new Map(readJsonl(OBJECTS_FILE).map((r) => [r.h as string, r.o]));
}

export function readManifest(): Record<string, VersionManifest> {
  return existsSync(MANIFEST_FILE) ? JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) : {};
}

/** The verdict a row records. */
export function rowVerdict(row: Row): Verdict {
  if (row.a === 1) return { accepted: true, causes: [], warnings: row.w ?? [] };
  const causes: Cause[] = (row.c ?? []).map(([path, type, message]) => ({ path, type, message }));
  return { accepted: false, code: row.s, causes, warnings: row.w ?? [] };
}

/** The compact row of a recorded entry. */
export function toRow(r: Recorded): Row {
  if (r.skipped !== undefined || !r.verdict) return { id: r.id, skip: r.skipped ?? 'no verdict' };
  const row: any = { id: r.id, h: hashObject(r.object) };
  if (r.oldObject !== undefined) row.o = hashObject(r.oldObject);
  if (r.verdict.accepted) {row.a = 1;} else {
    row.s = r.verdict.code;
    row.c = r.verdict.causes.map((c) => [c.path, c.type, c.message]);
  }
  if (r.verdict.warnings.length > 0) row.w = r.verdict.warnings;
  return row;
}

/**
 * Writes one version's rows and manifest entry, and rewrites the object store as the objects
 * every recorded version refers to.
 */
export function writeVersion(version: string, recorded: readonly Recorded[], manifest: VersionManifest): void {
  const rows = recorded.map(toRow);
  writeJsonl(join(DATA_DIR, `${version}.jsonl.gz`), rows);
  const objects = readObjects();
  for (const r of recorded) {
    if (r.object !== undefined) objects.set(hashObject(r.object), r.object);
    if (r.oldObject !== undefined) objects.set(hashObject(r.oldObject), r.oldObject);
  }
  const used = new Set<string>();
  for (const v of recordedVersions()) {
    for (const row of readRows(v)) {
      if (row.h) used.add(row.h);
      if (row.o) used.add(row.o);
    }
  }
  const kept = [...used].sort().map((h) => {
    if (!objects.has(h)) throw new Error(`golden data: object ${h} is referenced but missing from objects.jsonl.gz; re-record the versions that use it`);
    return { h, o: objects.get(h) };
  });
  writeJsonl(OBJECTS_FILE, kept);
  const all = readManifest();
  all[version] = manifest;
  const sorted = Object.fromEntries(Object.keys(all).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).map((k) => [k, all[k]]));
  writeFileSync(MANIFEST_FILE, JSON.stringify(sorted, null, 2) + '\n');
}
