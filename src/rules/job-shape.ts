/**
 * The type/shape layer: what the API server's JSON decoder accepts for the batch/v1 fields the
 * rules read. A field with the wrong JSON type (`parallelism: "four"`) fails decoding on the
 * server (`cannot unmarshal string into Go struct field JobSpec.spec.parallelism of type int32`);
 * here it is reported once as `FieldTypeInvalid` and removed from the copy the other rules see,
 * so they never report it twice nor trip over it. `null` is what Go decodes as "unset", so it is
 * removed silently.
 */
import { isObject, path as joinPath } from './json';

/** The JSON types a field can require. */
export type FieldKind = 'int32' | 'int64' | 'bool' | 'string' | 'object' | 'stringMap';

/** A node of the shape tree: a leaf kind, an object with known fields, or an array of nodes. */
export type Shape =
  | FieldKind
  | { readonly fields: Readonly<Record<string, Shape>>; readonly strict?: boolean; readonly name?: string }
  | { readonly items: Shape };

/** One decode problem. */
export interface ShapeProblem {
  readonly path: string;
  readonly expected: string;
  readonly got: unknown;
  /** `true` for an unknown field in a strictly known struct (strict decoding), `false` for a wrong type. */
  readonly unknown: boolean;
}

const OBJECT_META: Shape = {
  fields: {
    name: 'string',
    generateName: 'string',
    namespace: 'string',
    uid: 'string',
    labels: 'stringMap',
    annotations: 'stringMap',
  },
};

const CONTAINER: Shape = { fields: { name: 'string', image: 'string', restartPolicy: 'string' } };

const POD_TEMPLATE: Shape = {
  fields: {
    metadata: OBJECT_META,
    spec: {
      fields: {
        restartPolicy: 'string',
        activeDeadlineSeconds: 'int64',
        containers: { items: CONTAINER },
        initContainers: { items: CONTAINER },
        nodeSelector: 'stringMap',
      },
    },
  },
};

const LABEL_SELECTOR: Shape = {
  fields: {
    matchLabels: 'stringMap',
    matchExpressions: { items: { fields: { key: 'string', operator: 'string', values: { items: 'string' } } } },
  },
};

/** Fields of `batch/v1 JobSpec` known to any supported version (gated ones are checked per version elsewhere). */
export const JOB_SPEC_SHAPE: Shape = {
  name: 'JobSpec',
  strict: true,
  fields: {
    parallelism: 'int32',
    completions: 'int32',
    activeDeadlineSeconds: 'int64',
    podFailurePolicy: {
      fields: {
        rules: {
          items: {
            fields: {
              action: 'string',
              onExitCodes: { fields: { containerName: 'string', operator: 'string', values: { items: 'int32' } } },
              onPodConditions: { items: { fields: { type: 'string', status: 'string' } } },
            },
          },
        },
      },
    },
    successPolicy: {
      fields: { rules: { items: { fields: { succeededIndexes: 'string', succeededCount: 'int32' } } } },
    },
    backoffLimit: 'int32',
    backoffLimitPerIndex: 'int32',
    maxFailedIndexes: 'int32',
    selector: LABEL_SELECTOR,
    manualSelector: 'bool',
    template: POD_TEMPLATE,
    ttlSecondsAfterFinished: 'int32',
    completionMode: 'string',
    suspend: 'bool',
    podReplacementPolicy: 'string',
    managedBy: 'string',
  },
};

/** `batch/v1 Job`, the parts the rules read. */
export const JOB_SHAPE: Shape = { fields: { metadata: OBJECT_META, spec: JOB_SPEC_SHAPE } };

/** `batch/v1 CronJob`, the parts the rules read. */
export const CRONJOB_SHAPE: Shape = {
  fields: {
    metadata: OBJECT_META,
    spec: {
      fields: {
        schedule: 'string',
        timeZone: 'string',
        startingDeadlineSeconds: 'int64',
        concurrencyPolicy: 'string',
        suspend: 'bool',
        successfulJobsHistoryLimit: 'int32',
        failedJobsHistoryLimit: 'int32',
        jobTemplate: { fields: { metadata: OBJECT_META, spec: JOB_SPEC_SHAPE } },
      },
    },
  },
};

const KIND_TEXT: Record<FieldKind, string> = {
  int32: 'a whole number between -2147483648 and 2147483647',
  int64: 'a whole number',
  bool: 'true or false',
  string: 'a string',
  object: 'an object',
  stringMap: 'an object whose values are strings',
};

/**
 * Checks `value` against `shape`, returning the problems and a copy with every wrongly typed
 * field and every `null` removed. Unknown fields are kept in the copy. Never throws.
 */
export function checkShape(value: unknown, shape: Shape, at: string): { problems: ShapeProblem[]; clean: unknown } {
  const problems: ShapeProblem[] = [];
  const clean = walk(value, shape, at, problems);
  return { problems, clean };
}

function walk(value: unknown, shape: Shape, at: string, problems: ShapeProblem[]): unknown {
  if (typeof shape === 'string') return leaf(value, shape, at, problems);
  if ('items' in shape) {
    if (!Array.isArray(value)) {
      problems.push({ path: at, expected: 'a list', got: value, unknown: false });
      return undefined;
    }
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const c = walk(item, shape.items, joinPath(at, i), problems);
      // A wrongly typed list item cannot be dropped without shifting indexes: keep a hole-free placeholder.
      out.push(c === undefined ? null : c);
    });
    return out;
  }
  if (!isObject(value)) {
    problems.push({ path: at, expected: 'an object', got: value, unknown: false });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // Own fields only: a key such as `toString` or `constructor` must not find Object.prototype's.
    const sub = Object.prototype.hasOwnProperty.call(shape.fields, key) ? shape.fields[key] : undefined;
    const p = joinPath(at, key);
    // `null` and `undefined` are "not set" (JSON has no undefined; JavaScript callers produce it).
    if (v === null || v === undefined) continue;
    if (sub === undefined) {
      if (shape.strict) problems.push({ path: p, expected: `a field of ${shape.name ?? 'this object'}`, got: key, unknown: true });
      setOwn(out, key, v);
      continue;
    }
    const c = walk(v, sub, p, problems);
    if (c !== undefined) setOwn(out, key, c);
  }
  return out;
}

function leaf(value: unknown, kind: FieldKind, at: string, problems: ShapeProblem[]): unknown {
  let ok: boolean;
  switch (kind) {
    case 'int32': ok = typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647; break;
    case 'int64': ok = typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 63; break;
    case 'bool': ok = typeof value === 'boolean'; break;
    case 'string': ok = typeof value === 'string'; break;
    case 'object': ok = isObject(value); break;
    case 'stringMap': {
      if (!isObject(value)) { ok = false; break; }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null || v === undefined) continue;
        if (typeof v === 'string') setOwn(out, k, v);
        else problems.push({ path: `${at}[${k}]`, expected: KIND_TEXT.string, got: v, unknown: false });
      }
      return out;
    }
  }
  if (!ok) {
    problems.push({ path: at, expected: KIND_TEXT[kind], got: value, unknown: false });
    return undefined;
  }
  return value;
}

/** `out[key] = value` as data: a `__proto__` key (valid JSON) must not set the copy's prototype. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
