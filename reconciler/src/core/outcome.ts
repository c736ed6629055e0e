/** What one part of `decide` contributes; `decide` merges the parts into one `Decision`. */
import type { Violation } from 'cdk8s-batch/rules';
import type { Action, EventAction } from './types.ts';

/** A change to the reconciled object itself; all changes are merged into one patch. */
export interface PatchPart {
  /** Fields under `spec` to set. */
  readonly spec: Record<string, unknown>;
  /** Annotations to set. */
  readonly annotations: Record<string, string>;
  /** Codes of what the change fixes or does. */
  readonly reasons: readonly string[];
  /** Events that report the change; emitted only with the patch. */
  readonly events: readonly EventAction[];
}

export interface Outcome {
  readonly findings?: readonly Violation[];
  readonly actions?: readonly Action[];
  readonly patch?: PatchPart;
  /** When (ms since the epoch) this part's result would change without any event. */
  readonly wakeAt?: number;
}
