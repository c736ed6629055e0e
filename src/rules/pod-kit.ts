/**
 * Helpers shared by the pod template rules: the container list in the order the API server
 * validates it, paths under the pod spec, and the version checks of pod features.
 */
import { podSpec } from './job-rule-kit';
import { isObject } from './json';
import { RuleContext } from './types';

/** One container of the pod template, with where it is. */
export interface ContainerAt {
  readonly c: Record<string, any>;
  readonly list: 'containers' | 'initContainers';
  readonly i: number;
  /** An init container with restartPolicy Always on a version that keeps it (1.29+). */
  readonly sidecar: boolean;
}

/** A path under the pod spec of the Job spec's template. */
export const podAt = (ctx: RuleContext, ...rest: Array<string | number>): string => ctx.at('template', 'spec', ...rest);

/** `true` when the target version is 1.`minor` or later. */
export function atLeast(ctx: RuleContext, minor: number): boolean {
  const v = ctx.version;
  return v.major !== 1 ? v.major > 1 : v.minor >= minor;
}

/** A non-empty string. */
export function str(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

const EMPTY: Readonly<Record<string, any>> = Object.freeze({});
const NO_ITEMS: ReadonlyArray<Record<string, any>> = Object.freeze([]);

/**
 * The items of a JSON list as the server decodes them: a `null` item is the zero value (`{}`);
 * anything else that is not an object (a wrongly typed item, reported by the type layer) too.
 */
export function items(v: unknown): ReadonlyArray<Record<string, any>> {
  if (!Array.isArray(v)) return NO_ITEMS;
  let out: Array<Record<string, any>> | undefined;
  for (let i = 0; i < v.length; i++) {
    if (isObject(v[i])) {
      if (out) out.push(v[i]);
      continue;
    }
    if (!out) out = v.slice(0, i);
    out.push(EMPTY);
  }
  return out ?? v;
}

/** Containers, then init containers, in the order the server validates them (computed once per evaluation). */
export function containers(ctx: RuleContext): ContainerAt[] {
  return ctx.memo('pod-kit.containers', listContainers);
}

function listContainers(ctx: RuleContext): ContainerAt[] {
  const pod = podSpec(ctx);
  const out: ContainerAt[] = [];
  const sidecars = atLeast(ctx, 29);
  for (const list of ['containers', 'initContainers'] as const) {
    items(pod[list]).forEach((c, i) => {
      out.push({ c, list, i, sidecar: sidecars && list === 'initContainers' && c.restartPolicy === 'Always' });
    });
  }
  return out;
}
