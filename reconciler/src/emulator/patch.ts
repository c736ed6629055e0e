/**
 * The three patch types the API server accepts for built-in resources, chosen by the
 * request's Content-Type: JSON merge patch (RFC 7386), strategic merge patch (merge keys of
 * the Kubernetes types used here, `$patch` directives, primitive-list merges) and JSON patch
 * (RFC 6902, via fast-json-patch). Any other content type is 415 Unsupported Media Type.
 */
import jsonpatch from 'fast-json-patch';
import { StoreError } from './types.ts';

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

/** The patch content types the emulator accepts, as the API server lists them in a 415 answer. */
export const PATCH_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value) as Json;
  }
  return out;
}

/**
 * Merge keys (`patchMergeKey`) of the list fields of Pod, Job, CronJob, Event, Lease and
 * object metadata. Lists not named here are replaced as a whole, as for `atomic` lists.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  resourceClaims: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  readinessGates: 'conditionType',
};

/** Lists of primitives with `patchStrategy: merge`: a patch adds to them instead of replacing. */
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

function badRequest(message: string): StoreError {
  return new StoreError(400, 'BadRequest', message);
}

/** Strips `$`-directives from a value that is inserted as new. */
function fresh(value: Json): Json {
  if (Array.isArray(value)) return value.filter((v) => !(isMap(v) && v.$patch === 'delete')).map(fresh);
  if (!isMap(value)) return value;
  return strategicMerge({}, value) as Json;
}

function mergeList(target: Json[], patch: Json[], mergeKey: string): Json[] {
  const out = [...target];
  for (const item of patch) {
    if (!isMap(item) || !(mergeKey in item)) throw badRequest(`strategic merge patch: list item ${JSON.stringify(item)} has no merge key "${mergeKey}"`);
    const at = out.findIndex((existing) => isMap(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = strategicMerge(out[at], item) as Json;
    } else {
      out.push(fresh(item));
    }
  }
  return out;
}

function mergeField(current: Json | undefined, value: Json, key: string): Json | undefined {
  const mergeKey = MERGE_KEYS[key];
  if (Array.isArray(value) && mergeKey && Array.isArray(current)) return mergeList(current, value, mergeKey);
  if (Array.isArray(value) && PRIMITIVE_MERGE_LISTS.has(key) && Array.isArray(current)) {
    return [...current, ...value.filter((v) => !current.includes(v))];
  }
  if (isMap(value) && isMap(current)) return strategicMerge(current, value) as Json | undefined;
  return fresh(value);
}

function deleteFromPrimitiveList(out: JsonMap, key: string, values: Json): void {
  const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
  const list = out[field];
  if (!Array.isArray(values)) throw badRequest(`strategic merge patch: ${key} must be a list`);
  if (Array.isArray(list)) out[field] = list.filter((v) => !values.includes(v));
}

/**
 * Strategic merge patch: like a merge patch, but lists with a merge key merge element-wise
 * (`{"$patch": "delete"}` removes an element), primitive merge lists are unioned,
 * `$patch: replace|delete` on a map replaces or removes it, and `$deleteFromPrimitiveList/<field>` removes values.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  const base: JsonMap = patch.$patch === 'replace' ? {} : isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deleteFromPrimitiveList(base, key, value);
    if (key.startsWith('$')) continue;
    const merged = value === null ? undefined : mergeField(base[key], value, key);
    if (merged === undefined) delete base[key];
    else base[key] = merged;
  }
  return base;
}

function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const error = jsonpatch.validate(patch as jsonpatch.Operation[]);
  if (error) throw badRequest(`invalid JSON patch: ${error.message.split('\n')[0]}`);
  try {
    return jsonpatch.applyPatch(structuredClone(target), patch as jsonpatch.Operation[], true, true, true).newDocument;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new StoreError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}

/**
 * Applies `patch` (already decoded from JSON) to `target` according to `contentType`.
 * Throws 415 for an unsupported content type, 400 for a malformed patch and 422 for a
 * JSON patch that cannot be applied (including a failed `test` operation).
 */
export function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  const type = contentType.split(';')[0].trim().toLowerCase();
  switch (type) {
    case MERGE_PATCH:
      if (!isMap(patch)) throw badRequest('merge patch must be a JSON object');
      return mergePatch(target, patch);
    case STRATEGIC_MERGE_PATCH:
      if (!isMap(patch)) throw badRequest('strategic merge patch must be a JSON object');
      return strategicMerge(target, patch);
    case JSON_PATCH:
      return applyJsonPatch(target, patch);
    default:
      throw new StoreError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  }
}
