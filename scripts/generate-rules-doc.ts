/**
 * Generates `docs/rules.md` from rule tables: the rules engine's table (`src/rules/table.ts`) and
 * any other table of findings with the same columns (e.g. the reconciler's cluster-context
 * findings). `renderRulesDoc` is pure, so `test/rules/docs.test.ts` can regenerate the document
 * in memory and fail when the committed file is stale.
 *
 * Usage: npx tsx scripts/generate-rules-doc.ts [out-file]   (projen task `docs:rules`)
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CONSTRUCT_CODES } from '../src/_construct-codes';
import { CLUSTER_FINDINGS, RECONCILER_ACTIONS } from '../src/rules/cluster-findings';
import { RULES } from '../src/rules/table';
import { SUPPORTED_VERSIONS } from '../src/rules/versions';
import { KNOWN_DISAGREEMENTS } from '../test/golden/known-disagreements';

/** One row of a documented table: the columns every rule or finding shares. */
export interface RulesDocRow {
  readonly code: string;
  readonly severity: string;
  /** What the row applies to, e.g. `Job`, `CronJob`, `JobSpec`, `Object`, or a cluster-context scope. */
  readonly scope: string;
  readonly path: string;
  readonly since?: string;
  /** For a Job spec rule: the first version it holds for in a CronJob's job template, when earlier than `since`. */
  readonly templateSince?: string;
  readonly until?: string;
  readonly source: string;
  readonly summary: string;
  readonly fix: string;
  readonly createOnly?: boolean;
  /** A documented way the row's verdict may differ from the API server's (see `Departure`). */
  readonly departure?: string;
}

/** A table of rows, rendered as one section of the document. */
export interface RulesDocTable {
  /** Section heading, e.g. `Rules engine`. */
  readonly title: string;
  /** A paragraph saying where these rows are checked. */
  readonly intro: string;
  readonly rows: readonly RulesDocRow[];
}

const SCOPE_TEXT: Readonly<Record<string, string>> = {
  Object: 'Job, CronJob',
  Job: 'Job',
  CronJob: 'CronJob',
  JobSpec: 'Job spec (Job and CronJob job template)',
};

/** The rules engine's table, as checked at synth, by `cdk8s-batch check` and by the reconciler. */
export function engineTable(): RulesDocTable {
  return {
    title: 'Rules engine',
    intro:
      'Checked on plain batch/v1 JSON by the constructs at synth, by `cdk8s-batch check` and by the reconciler on live objects. ' +
      'Paths of Job spec rules are given as on a Job (`spec.…`); in a CronJob they sit under `spec.jobTemplate.spec.…`.',
    rows: RULES,
  };
}

/** What each departure kind means; the same kinds as `Departure` in `src/rules/types.ts`. */
export const DEPARTURE_TEXT: Readonly<Record<string, string>> = {
  'dropped-field': 'the API server accepts the object and silently drops the field because its feature gate is off on that version; reported as an error because the Job would not do what it says',
  'decode-reports-all': 'a body that fails JSON decoding is rejected by the API server (400) with only the first wrongly typed field, named by its Go path without list indexes or map keys (`Go struct field Container.spec.template.spec.containers.image`), and no validation; here every wrongly typed field is reported at its full path (`spec.template.spec.containers[0].image`), with the other rules\' findings. Both reject',
  'cronjob-template': 'the API server accepts the CronJob, but every Job it creates from the template would be rejected; reported as a warning on the CronJob',
  'type-meta': 'an object without apiVersion or kind never reaches the API server from kubectl or any client that maps objects to resources (they refuse it: "apiVersion not set", "kind not set"); only a request posted by hand to a batch/v1 URL gets a verdict, and there the server fills the missing part from the URL. Reported as an error whatever that verdict is',
};

function versions(row: RulesDocRow): string {
  const first = row.since ?? SUPPORTED_VERSIONS[0];
  const last = row.until ?? SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
  const range = first === last ? first : `${first}–${last}`;
  const template = row.templateSince ? `; in CronJob job templates from ${row.templateSince}` : '';
  return row.createOnly ? `${range} (create only)${template}` : `${range}${template}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(code: string): string {
  return code.toLowerCase();
}

function renderTable(table: RulesDocTable): string[] {
  const out: string[] = [];
  out.push(`## ${table.title}`, '', table.intro, '');
  out.push('| code | severity | scope | field | versions | source | departure |', '|---|---|---|---|---|---|---|');
  for (const r of table.rows) {
    out.push(
      `| [\`${r.code}\`](#${anchor(r.code)}) | ${r.severity} | ${cell(SCOPE_TEXT[r.scope] ?? r.scope)} | \`${cell(r.path)}\` | ${versions(r)} | ${r.source} | ${r.departure ?? ''} |`,
    );
  }
  out.push('');
  for (const r of table.rows) {
    out.push(`### ${r.code}`, '');
    out.push(`${r.summary}`, '');
    out.push(`- severity: ${r.severity}`);
    out.push(`- scope: ${SCOPE_TEXT[r.scope] ?? r.scope}`);
    out.push(`- field: \`${r.path}\``);
    out.push(`- versions: ${versions(r)}`);
    out.push(`- source: ${r.source}`);
    if (r.departure) out.push(`- departure from the API server: \`${r.departure}\` (${DEPARTURE_TEXT[r.departure] ?? ''})`);
    out.push(`- fix: ${r.fix}`);
    out.push('');
  }
  return out;
}

/** Renders the whole document from `tables`, in order. Pure and deterministic. */
export function renderRulesDoc(tables: readonly RulesDocTable[]): string {
  const total = tables.reduce((n, t) => n + t.rows.length, 0);
  const out: string[] = [
    '<!-- Generated by scripts/generate-rules-doc.ts (projen task docs:rules). Do not edit by hand. -->',
    '',
    '# Rules',
    '',
    `Every check cdk8s-batch makes, ${total} in all, each with a stable code. The code is the synth error identifier, ` +
      'the `cdk8s-batch check` output and the `reason` of the Kubernetes Events the reconciler emits. A violation reads ' +
      '`<Code>: <field.path> <what is wrong> (got <value>); <fix>`.',
    '',
    '- severity `error`: the Kubernetes API server rejects the object, or it cannot behave as written; fails synth and `check`.',
    '- severity `warning`: hygiene and common misconceptions; shown at synth and by `check`, fatal with a strict setting.',
    '- severity `info`: an explanation (at synth) or what the reconciler did (a Normal Event); never fatal, not even with a strict setting.',
    '- source `API server`: the same rule as the API server on the listed versions; `pattern`: the batch pattern the object is ' +
      'annotated with; `hygiene`: operational advice; `misconception`: accepted by the API server but not doing what it seems to; ' +
      '`cluster`: detected by the reconciler on a live cluster; `construct`: reported by a construct at synth about its props; ' +
      '`reconciler`: what the reconciler did.',
    '- departure: empty when an `API server` rule reports exactly what the API server rejects, at the same field path; ' +
      'otherwise one of the documented kinds below. Any other disagreement with a real API server is a bug.',
    '',
    ...Object.entries(DEPARTURE_TEXT).map(([k, v]) => `  - \`${k}\`: ${v}.`),
    '',
    ...goldenLines(),
  ];
  for (const t of tables) out.push(...renderTable(t));
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Where the `API server` rules' truth comes from: the recorded verdicts of real API servers
 * (test/golden/data/manifest.json), one line per version.
 */
function goldenLines(): string[] {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'golden', 'data', 'manifest.json'), 'utf8')) as Record<string, { server: string; entries: number; accepted: number; rejected: number }>;
  const versions = Object.keys(manifest).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  return [
    'Source of truth: the verdicts of real kube-apiservers built from Kubernetes\'s Go modules (`cluster/`), recorded with `dryRun=All` and ' +
      '`fieldValidation=Strict` for a corpus of Job and CronJob objects (test/golden/README.md). The ordinary test suite compares the rules ' +
      'with them on every run, and CI checks a fresh random sample against the newest server. Disagreements outside the departures above ' +
      '(false accepts, false rejects, wrong paths) per version:',
    '',
    ...versions.map((v) => {
      const m = manifest[v];
      const k = KNOWN_DISAGREEMENTS[v] ?? { falseAccept: 0, falseReject: 0, wrongPath: 0 };
      const n = (x: number): string => x.toLocaleString('en-US');
      return `  - ${v}: ${m.server}, ${n(m.entries)} objects (${n(m.accepted)} accepted, ${n(m.rejected)} rejected): ${k.falseAccept} / ${k.falseReject} / ${k.wrongPath}`;
    }),
    '',
  ];
}

/** The reconciler's cluster-context findings, which need a live cluster to detect. */
export function clusterFindingsTable(): RulesDocTable {
  return {
    title: 'Cluster context (reconciler)',
    intro:
      'Reported by `cdk8s-batch reconcile` (and `--once`) from what only a live cluster shows: time, pods, nodes and quotas. ' +
      'They hold on every supported version.',
    rows: CLUSTER_FINDINGS.map((f) => ({ ...f, scope: f.kind, source: 'cluster' })),
  };
}

/** The codes the constructs report at synth about their own props. */
export function constructCodesTable(): RulesDocTable {
  return {
    title: 'Constructs (synth)',
    intro:
      'Reported by the constructs at synth about props that leave no trace in the rendered manifest, next to the rules engine\'s findings on it. ' +
      'The field is the construct prop.',
    rows: CONSTRUCT_CODES.map((c) => ({ code: c.code, severity: c.severity, scope: c.construct, path: c.path, source: 'construct', summary: c.summary, fix: c.fix })),
  };
}

/** The reconciler's Normal Event reasons: what it did. */
export function reconcilerActionsTable(): RulesDocTable {
  return {
    title: 'Reconciler actions',
    intro: 'Normal Events the reconciler emits about what it did (its Warning Events carry the rule and finding codes above).',
    rows: RECONCILER_ACTIONS.map((f) => ({ ...f, scope: f.kind, source: 'reconciler' })),
  };
}

/** The tables `docs/rules.md` is generated from. */
export function docTables(): RulesDocTable[] {
  return [engineTable(), constructCodesTable(), clusterFindingsTable(), reconcilerActionsTable()];
}

if (require.main === module) {
  const outFile = process.argv[2] ?? join(__dirname, '..', 'docs', 'rules.md');
  writeFileSync(outFile, renderRulesDoc(docTables()));
  console.log(`wrote ${outFile}`);
}
