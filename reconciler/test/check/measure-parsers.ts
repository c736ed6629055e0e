/**
 * Reproduces the parser measurement behind `src/check/parse.ts`: generates a file of 10,000
 * Jobs (about 11.7 MB) in a temporary directory, times each candidate once, and removes it.
 *
 *   cd reconciler && node --import tsx test/check/measure-parsers.ts [count]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { Parser, parseAllDocuments } from 'yaml';
import { checkSources } from '../../src/check/check.ts';
import { parseManifests } from '../../src/check/parse.ts';

const count = Number(process.argv[2] ?? 10_000);

function job(i: number): unknown {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `job-${i}`, namespace: 'default', labels: { app: 'demo', 'cdk8s.io/metadata.addr': `chart-job-${i}-c8f0a1b2` } },
    spec: {
      parallelism: 4,
      completions: 8,
      completionMode: 'Indexed',
      backoffLimit: 6,
      template: {
        metadata: { labels: { 'cdk8s.io/metadata.addr': `chart-job-${i}-c8f0a1b2` } },
        spec: {
          automountServiceAccountToken: false,
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Never',
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'echo $JOB_COMPLETION_INDEX'],
              resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
            },
          ],
        },
      },
    },
  };
}

function time(label: string, fn: () => unknown): void {
  const start = process.hrtime.bigint();
  fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${label.padEnd(48)} ${(ms / 1000).toFixed(2)} s\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'cdk8s-batch-measure-'));
try {
  const file = join(dir, 'jobs.yaml');
  writeFileSync(file, Array.from({ length: count }, (_, i) => jsyaml.dump(job(i))).join('---\n'));
  const text = readFileSync(file, 'utf8');
  process.stdout.write(`${count} Jobs, ${(text.length / 1e6).toFixed(1)} MB\n`);
  time('js-yaml loadAll', () => jsyaml.loadAll(text));
  time('check parser (js-yaml), no positions', () => parseManifests(text, 'jobs.yaml'));
  time('check parser (js-yaml), with positions', () => parseManifests(text, 'jobs.yaml', { positions: true }));
  time('yaml parseAllDocuments + toJS', () => parseAllDocuments(text).map((d) => d.toJS()));
  time('yaml CST Parser only', () => [...new Parser().parse(text)].length);
  const { objects } = parseManifests(text, 'jobs.yaml');
  time('rules engine on every Job (checkSources)', () => checkSources(objects));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
