/** Data shared by the modules of `cdk8s-batch check`: inputs, objects with their origin, the report. */
import type { Violation } from 'cdk8s-batch/rules';

/** Something that makes an input (or one document of it) unusable: reported on stderr, exit code 2. */
export interface InputProblem {
  /** Display name of the input: a path relative to the working directory, or `<stdin>`. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** One line: what is wrong, the value received, and how to fix it. */
  readonly message: string;
}

/** One Kubernetes object read from an input, with where it came from. */
export interface SourceObject {
  /** Display name of the input it came from. */
  readonly file: string;
  readonly object: Record<string, unknown>;
  /** 1-based line where the object starts, when known. */
  readonly line?: number;
  /** The line of a field named by an engine path (`spec.template.spec.restartPolicy`), when known. */
  readonly lineOf?: (path: string) => number | undefined;
}

/** A Job or CronJob and what the rules engine found in it. */
export interface CheckedObject {
  readonly source: SourceObject;
  readonly kind: string;
  readonly name: string | null;
  readonly namespace: string | null;
  /** The Kubernetes version the object was checked for (see `versionFor`). */
  readonly kubernetesVersion: string;
  readonly violations: readonly Violation[];
}

/** Everything `check` found, ready to be formatted. */
export interface CheckReport {
  /** The `--kubernetes-version` override, or the default for objects that record no version. */
  readonly kubernetesVersion: string;
  /** Every version Jobs and CronJobs were checked for, oldest first, with how many objects each. */
  readonly kubernetesVersions: ReadonlyArray<{ readonly version: string; readonly count: number }>;
  /** Every object read, including the skipped ones (List wrappers are not counted, their items are). */
  readonly objects: number;
  readonly jobs: number;
  readonly cronJobs: number;
  /** Objects of other kinds, counted and not checked. */
  readonly skipped: number;
  /** The Jobs and CronJobs checked, in input order. */
  readonly results: readonly CheckedObject[];
  readonly errors: number;
  readonly warnings: number;
  /** Inputs or documents that could not be used. */
  readonly problems: readonly InputProblem[];
}
