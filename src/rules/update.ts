import { ValidateOptions, Violation } from './types';

/**
 * Rules the API server applies to an update of a Job or CronJob on top of the create rules:
 * which spec fields may change (the mutability table) and how. Returns the violations of
 * changing `oldManifest` into `newManifest`.
 */
export function validateUpdate(_oldManifest: unknown, _newManifest: unknown, _options: ValidateOptions = {}): Violation[] {
  return [];
}
