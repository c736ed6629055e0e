/**
 * Compares the rules engine with recorded real-server verdicts.
 *
 * For each entry: the server rejected ⇔ the engine reports at least one error, and every field
 * path the server gave a rejection cause at is a path the engine reports an error at. The only
 * allowed disagreements are the departures the rules table declares (`Rule.departure`: an error
 * the server does not give because it drops the field in silence, `dropped-field`, and so on) and
 * errors of rules whose source is not the API server (the product's pattern checks). A `type-meta`
 * departure (an object without apiVersion or kind, which no client sends) stands whatever the
 * server answered to the request made by hand.
 */
import { Cause, Verdict, pathMatches } from './verdict';
import { RULES, validate, validateUpdate } from '../../src/rules';
import type { Violation } from '../../src/rules';

/** How one entry compares. */
export type Category = 'agree' | 'falseAccept' | 'falseReject' | 'wrongPath' | 'departure';

export interface Comparison {
  readonly category: Category;
  /** For `wrongPath`: the server causes no engine error names. */
  readonly missing: readonly Cause[];
  /** The engine's errors. */
  readonly errors: readonly Violation[];
  /** For `departure`: the departure kinds of the engine's errors. */
  readonly departures: readonly string[];
}

/**
 * A rule's departure: the kind the rules table declares (`Rule.departure`), or for a rule that is
 * not an API-server rule at all (source `pattern`, `hygiene`, `misconception`: the product's own
 * checks, e.g. of its pattern annotations, which the server knows nothing of) that source.
 */
const DEPARTURE_OF = new Map<string, string | undefined>(
  RULES.map((r) => [r.code, (r as { departure?: string }).departure ?? (r.source === 'API server' ? undefined : r.source)]),
);

/** The departure kind of a code, if any. */
export function departureOf(code: string): string | undefined {
  return DEPARTURE_OF.get(code);
}

/** The engine's errors for a create of `object`, or for an update of `oldObject` to `object`, on `version`. */
export function engineErrors(version: string, object: unknown, oldObject?: unknown): Violation[] {
  const all = oldObject === undefined
    ? validate(object, { kubernetesVersion: version })
    : validateUpdate(oldObject, object, { kubernetesVersion: version });
  return all.filter((v) => v.severity === 'error');
}

/** Causes whose field the server named (a 400 without a path, a dropped connection: none). */
function located(verdict: Verdict): Cause[] {
  return verdict.causes.filter((c) => c.path !== '');
}

/** Compares one verdict with the engine's errors. */
export function compare(verdict: Verdict, errors: readonly Violation[]): Comparison {
  // Without apiVersion or kind no client sends the object; the verdict is for a request made by hand.
  if (errors.length > 0 && errors.every((e) => departureOf(e.code) === 'type-meta')) {
    return { category: 'departure', missing: [], errors, departures: ['type-meta'] };
  }
  if (verdict.accepted) {
    if (errors.length === 0) return { category: 'agree', missing: [], errors, departures: [] };
    const departures = errors.map((e) => departureOf(e.code));
    if (departures.every((d) => d !== undefined)) return { category: 'departure', missing: [], errors, departures: [...new Set(departures as string[])] };
    return { category: 'falseReject', missing: [], errors, departures: [] };
  }
  if (errors.length === 0) return { category: 'falseAccept', missing: verdict.causes, errors, departures: [] };
  const missing = located(verdict).filter((c) => !errors.some((e) => pathMatches(c, e.path)));
  return { category: missing.length === 0 ? 'agree' : 'wrongPath', missing, errors, departures: [] };
}

/**
 * The parts of a disagreement, stable across objects, to group them: each server cause (type and
 * path, list indexes and map keys dropped) for false accepts and wrong paths, each engine error
 * (code and path) for false rejects and departures.
 */
export function atoms(c: Comparison): string[] {
  const shortPath = (p: string): string => p.replace(/\[[^\]]*\]/g, '[]');
  if (c.category === 'falseReject' || c.category === 'departure') return [...new Set(c.errors.map((e) => `${e.code}@${shortPath(e.path)}`))].sort();
  return [...new Set(c.missing.map((m) => `${m.type}@${shortPath(m.path)}`))].sort();
}

/** A short description of a disagreement: its atoms, joined. */
export function signature(c: Comparison): string {
  return atoms(c).join(' ');
}
