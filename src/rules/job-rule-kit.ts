/** Small helpers shared by the Job rule files. */
import { annotationProblems, labelMapProblems } from './job-validators';
import { isInt32, isObject } from './json';
import { Finding, Rule, RuleContext } from './types';

/** A rule row with `severity: 'error'` and `source: 'API server'` unless given. */
export function apiRule(r: Omit<Rule, 'severity' | 'source'> & Partial<Pick<Rule, 'severity' | 'source'>>): Rule {
  return { severity: 'error', source: 'API server', ...r };
}

/** The Job spec's int32 field `key`, or `undefined` when unset. */
export function int(spec: any, key: string): number | undefined {
  const v = isObject(spec) ? spec[key] : undefined;
  return isInt32(v) || (typeof v === 'number' && Number.isSafeInteger(v)) ? v : undefined;
}

/** `true` when the (defaulted) Job spec is Indexed. */
export function isIndexed(ctx: RuleContext): boolean {
  return ctx.jobSpec.completionMode === 'Indexed';
}

/** The pod spec of the Job spec's template, `{}` when missing. */
export function podSpec(ctx: RuleContext): Record<string, any> {
  const t = ctx.jobSpec.template;
  return isObject(t) && isObject(t.spec) ? t.spec : {};
}

/** The pod template's labels, `{}` when missing. */
export function templateLabels(ctx: RuleContext): Record<string, any> {
  const t = ctx.jobSpec.template;
  return isObject(t) && isObject(t.metadata) && isObject(t.metadata.labels) ? t.metadata.labels : {};
}

/** The one empty finding list rules share when they find nothing (callers only read it). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** A finding list with one entry when `cond` holds, else the shared empty list. */
export function when(cond: boolean, f: () => Finding): readonly Finding[] {
  return cond ? [f()] : NO_FINDINGS;
}

/**
 * Findings for a label map at `base`. The API server reports them at the map's path
 * (`ValidateLabels(labels, fldPath)`), so the key is named in the problem, not the path.
 */
export function labelFindings(labels: unknown, base: string): readonly Finding[] {
  const problems = labelMapProblems(labels);
  if (problems.length === 0) return NO_FINDINGS;
  return problems.map((p) => ({
    path: base,
    problem: p.inKey ? `key ${JSON.stringify(p.key)} ${p.problem}` : `value of ${JSON.stringify(p.key)} ${p.problem}`,
    got: p.value,
  }));
}

/** Findings for an annotation map at `base`, reported at the map's path as the API server does (`ValidateAnnotations`). */
export function annotationFindings(annotations: unknown, base: string): Finding[] {
  return annotationProblems(annotations).map((p) => ({
    path: base,
    problem: p.key === '' ? p.problem : p.inKey ? `key ${JSON.stringify(p.key)} ${p.problem}` : `value of ${JSON.stringify(p.key)} ${p.problem}`,
    got: p.value,
  }));
}


/** How much of metadata.generateName the API server keeps before appending its 5 random characters. */
const GENERATE_NAME_KEPT = 58;

/**
 * The name the API server validates: metadata.name, or, when only metadata.generateName is set, the
 * name it generates on create (at most 58 characters of the prefix plus 5 random lowercase letters
 * and digits; `x0x0x` stands for them, as valid as any the server picks).
 */
export function effectiveName(ctx: RuleContext): string | undefined {
  const meta = isObject(ctx.object.metadata) ? ctx.object.metadata : {};
  if (typeof meta.name === 'string' && meta.name !== '') return meta.name;
  if (ctx.operation === 'update' || typeof meta.generateName !== 'string' || meta.generateName === '') return undefined;
  return `${meta.generateName.slice(0, GENERATE_NAME_KEPT)}x0x0x`;
}
