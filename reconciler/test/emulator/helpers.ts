/** Shared fixtures of the emulator tests: manifests, raw HTTP calls and a watch-stream reader. */
import type { NewObject } from '../../src/emulator/types.ts';

/** A valid Job manifest. */
export function jobManifest(name: string, namespace = 'default'): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      backoffLimit: 2,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['true'] }] } },
    },
  };
}

/** A Pod manifest, optionally owned by a Job. */
export function podManifest(name: string, opts: { namespace?: string; labels?: Record<string, string>; owner?: { name: string; uid: string } } = {}): NewObject {
  const metadata: NewObject['metadata'] = { name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? {} };
  if (opts.owner) metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: opts.owner.name, uid: opts.owner.uid, controller: true }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      restartPolicy: 'Never',
      containers: [
        { name: 'main', image: 'busybox:1.36', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
        { name: 'sidecar', image: 'envoy:1' },
      ],
    },
  };
}

/** An HTTP answer with its JSON body. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // Tests read arbitrary JSON fields of answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** Sends a request with a JSON body (unless `body` is a string) and decodes the JSON answer. */
export async function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const init: RequestInit = { method, headers: {} };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'Content-Type': contentType };
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** One event of a watch stream. */
export interface WatchEvent {
  readonly type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly object: any;
}

/** Reads a watch stream event by event. */
export interface WatchReader {
  readonly status: number;
  /** The next event, or `undefined` once the server ended the stream. */
  next(): Promise<WatchEvent | undefined>;
  /** Reads events until one satisfies `pred` (returned) or the stream ends (undefined). */
  until(pred: (e: WatchEvent) => boolean): Promise<WatchEvent | undefined>;
  close(): void;
}

/** Opens a watch with `fetch` and parses its newline-delimited JSON events. */
export async function openWatch(base: string, path: string): Promise<WatchReader> {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const next = async (): Promise<WatchEvent | undefined> => {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) return JSON.parse(line) as WatchEvent;
        continue;
      }
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return undefined;
      buffered += decoder.decode(chunk.value, { stream: true });
    }
  };
  const until = async (pred: (e: WatchEvent) => boolean): Promise<WatchEvent | undefined> => {
    for (let e = await next(); e; e = await next()) if (pred(e)) return e;
    return undefined;
  };
  return { status: res.status, next, until, close: () => controller.abort() };
}
