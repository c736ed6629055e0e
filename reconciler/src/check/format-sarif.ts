/**
 * SARIF 2.1.0 output for GitHub code scanning (`github/codeql-action/upload-sarif`): one run
 * whose `tool.driver.rules` is the engine's whole rules table, and one result per violation
 * located at the offending field's line when the YAML source shows it, else at the object's
 * first line.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, formatViolation, type Severity } from 'cdk8s-batch/rules';
import { STDIN_NAME } from './sources.ts';
import type { CheckReport } from './types.ts';
import { asciiSafeJson } from './printable.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/cdk8s-batch/cdk8s-batch';

interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  readonly properties: { readonly tags: string[] };
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: Array<{
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { readonly startLine: number };
    };
  }>;
}

interface SarifNotification {
  readonly level: 'error';
  readonly message: { readonly text: string };
  readonly locations: SarifResult['locations'];
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: Array<{
    readonly tool: { readonly driver: { readonly name: string; readonly informationUri: string; readonly rules: SarifRule[] } };
    /** Unusable inputs, which produce no results, are reported here so that CI shows them. */
    readonly invocations: Array<{ readonly executionSuccessful: boolean; readonly toolExecutionNotifications: SarifNotification[] }>;
    readonly results: SarifResult[];
  }>;
}

const level = (s: Severity): 'error' | 'warning' => (s === 'error' ? 'error' : 'warning');

function sarifRules(): SarifRule[] {
  return RULES.map((r) => {
    const versions = r.since || r.until ? `; Kubernetes ${r.since ?? '1.28'}–${r.until ?? 'latest'}` : '';
    return {
      id: r.code,
      name: r.code,
      shortDescription: { text: r.summary },
      fullDescription: { text: `${r.summary} Field: ${r.path} (${r.source}${versions}).` },
      help: { text: `Fix: ${r.fix}` },
      defaultConfiguration: { level: level(r.severity) },
      properties: { tags: ['kubernetes', 'batch', r.source] },
    };
  });
}

/** A SARIF artifact URI: relative paths stay relative (to the working directory), others become file URIs. */
export function artifactUri(file: string): string {
  if (file === STDIN_NAME) return 'stdin';
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split('/').map(encodeURIComponent).join('/');
}

export function toSarif(report: CheckReport): SarifLog {
  const rules = sarifRules();
  const indexOf = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.results.flatMap((r) =>
    r.violations.map((v): SarifResult => {
      const startLine = r.source.lineOf?.(v.path) ?? r.source.line ?? 1;
      return {
        ruleId: v.code,
        ruleIndex: indexOf.get(v.code) ?? -1,
        level: level(v.severity),
        message: { text: formatViolation(v) },
        locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(r.source.file) }, region: { startLine } } }],
      };
    }),
  );
  const notifications = report.problems.map(
    (p): SarifNotification => ({
      level: 'error',
      message: { text: p.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(p.file) }, region: { startLine: p.line ?? 1 } } }],
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'cdk8s-batch', informationUri: INFORMATION_URI, rules } },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport): string {
  return `${asciiSafeJson(JSON.stringify(toSarif(report), null, 2))}\n`;
}
