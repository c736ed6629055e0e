/**
 * Programmatic API of `cdk8s-batch check`, for tools that check manifests they hold (the
 * sandbox checks what it is about to apply): `checkDocuments` for in-memory objects,
 * `parseManifests` + `checkSources` for YAML/JSON text with source lines, and the formatters.
 */
export { checkDocuments, checkSources, exitCode, type CheckOptions } from './check.ts';
export { parseManifests, type ParsedInput, type ParseOptions } from './parse.ts';
export { formatText, summaryLine, objectTitle } from './format-text.ts';
export { formatJson, toJsonReport, type JsonReport, type JsonViolation } from './format-json.ts';
export { formatSarif, toSarif, type SarifLog } from './format-sarif.ts';
export type { CheckReport, CheckedObject, InputProblem, SourceObject } from './types.ts';
