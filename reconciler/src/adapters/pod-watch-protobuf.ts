/**
 * Watches read straight off the HTTP answer, for the Pod cache: in protobuf
 * (`application/vnd.kubernetes.protobuf;stream=watch`) when the API server answers so, each pod
 * decoded into the fields its view reads (`pod-protobuf.ts`), else as JSON lines. Also the
 * streaming list (`sendInitialEvents=true`): the same stream first brings every object as ADDED,
 * then a BOOKMARK annotated `k8s.io/initial-events-end: "true"`, then goes on as a watch.
 *
 * The protobuf stream (apimachinery `pkg/runtime/serializer/protobuf` `LengthDelimitedFramer`
 * and `RawSerializer`, as kube-apiserver 1.37.2 sends it): frames of a 4-byte big-endian length
 * and that many bytes; each frame a bare `metav1.WatchEvent` (type = 1, object = 2, no `k8s\0`
 * envelope) whose object is a `runtime.RawExtension` (raw = 1) holding the object in the envelope
 * of a protobuf answer (`k8s\0` + `runtime.Unknown`): a `Pod` for ADDED, MODIFIED, DELETED and
 * BOOKMARK (of which only `metadata.resourceVersion` and `metadata.annotations` are set), a
 * `Status` for ERROR.
 */
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../core/types.ts';
import { KubeApiError, errorFromStatus, toKubeApiError } from './errors.ts';
import { PROTOBUF, ProtobufError, decodePod, decodeStatus } from './pod-protobuf.ts';
import type { WatchEvent, WatchEventType, WatchStream } from './port.ts';

/** A frame longer than this is taken as a malformed stream (etcd keeps objects of at most 1.5 MiB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const EVENT_TYPES = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * Cuts a byte stream into its length-prefixed frames. Chunks are held until a frame is complete
 * and joined once then, so a frame spread over many chunks is copied once.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes needed before the next frame can be complete. */
  private needed = 4;

  /** The frames completed by `chunk`, in order. Throws `ProtobufError` on a frame over `MAX_FRAME_BYTES`. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.needed) return [];
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const frames: Buffer[] = [];
    let pos = 0;
    for (;;) {
      if (buf.length - pos < 4) {
        this.needed = 4;
        break;
      }
      const length = buf.readUInt32BE(pos);
      if (length > MAX_FRAME_BYTES) throw new ProtobufError(`a watch frame of ${length} bytes (at most ${MAX_FRAME_BYTES})`);
      if (buf.length - pos - 4 < length) {
        this.needed = 4 + length;
        break;
      }
      frames.push(buf.subarray(pos + 4, pos + 4 + length));
      pos += 4 + length;
    }
    const rest = buf.subarray(pos);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return frames;
  }

  /** Bytes of an incomplete frame held (non-zero when a stream ends: it was cut). */
  get buffered(): number {
    return this.size;
  }
}

/** Reads a length-delimited field's length and returns where it ends, checked against `buf`. */
function fieldEnd(r: BinaryReader, buf: Uint8Array): number {
  const end = r.uint32() + r.pos;
  if (end > buf.length) throw new ProtobufError('a length past the end of the frame');
  return end;
}

/** `runtime.RawExtension`: raw = 1, as a view of `frame`. */
function rawExtension(r: BinaryReader, frame: Buffer): Buffer {
  const end = fieldEnd(r, frame);
  let raw: Buffer = Buffer.alloc(0);
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (field === 1 && type === WireType.LengthDelimited) {
      const rawEnd = fieldEnd(r, frame);
      raw = frame.subarray(r.pos, rawEnd);
      r.pos = rawEnd;
    } else r.skip(type);
  }
  if (r.pos !== end) throw new ProtobufError('a field past the end of its message');
  return raw;
}

/** Positions `r` on the object an envelope (`k8s\0` + `runtime.Unknown`, raw = 2) carries; returns its end. */
function enterEnvelope(r: BinaryReader, buf: Buffer): number {
  if (buf.length < 4 || MAGIC.some((b, i) => buf[i] !== b)) throw new ProtobufError('a watch event object without the k8s\\0 prefix');
  r.pos = 4;
  while (r.pos < buf.length) {
    const [field, type] = r.tag();
    if (field === 2 && type === WireType.LengthDelimited) return fieldEnd(r, buf);
    r.skip(type);
  }
  throw new ProtobufError('the envelope carries no object');
}

/** A `map<string, string>` entry (key = 1, value = 2). */
function mapEntry(r: BinaryReader, buf: Buffer, into: Record<string, string>): void {
  const end = fieldEnd(r, buf);
  let [k, v] = ['', ''];
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (field === 1 && type === WireType.LengthDelimited) k = r.string();
    else if (field === 2 && type === WireType.LengthDelimited) v = r.string();
    else r.skip(type);
  }
  into[k] = v;
}

/** A BOOKMARK's object: a `Pod` of which `metadata` (1) holds resourceVersion (6) and annotations (12). */
function bookmark(raw: Buffer): KubeObject {
  const r = new BinaryReader(raw);
  const end = enterEnvelope(r, raw);
  const metadata: { resourceVersion?: string; annotations?: Record<string, string> } = {};
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (field !== 1 || type !== WireType.LengthDelimited) {
      r.skip(type);
      continue;
    }
    const metaEnd = fieldEnd(r, raw);
    while (r.pos < metaEnd) {
      const [f, t] = r.tag();
      if (f === 6 && t === WireType.LengthDelimited) metadata.resourceVersion = r.string();
      else if (f === 12 && t === WireType.LengthDelimited) mapEntry(r, raw, (metadata.annotations ??= {}));
      else r.skip(t);
    }
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata } as KubeObject;
}

function eventObject(type: WatchEventType, raw: Buffer): KubeObject {
  if (type === 'ERROR') return decodeStatus(raw) as unknown as KubeObject;
  if (type === 'BOOKMARK') return bookmark(raw);
  return { apiVersion: 'v1', kind: 'Pod', ...decodePod(raw) } as KubeObject;
}

/**
 * One frame of a protobuf Pod watch: its event with the pod decoded into the fields the Pod
 * cache's view reads (BOOKMARK: resourceVersion and annotations; ERROR: the `Status`). Throws
 * `ProtobufError` when malformed.
 */
export function decodeWatchEvent(frame: Buffer): WatchEvent {
  let type = '';
  let raw: Buffer | undefined;
  try {
    const r = new BinaryReader(frame);
    while (r.pos < frame.length) {
      const [field, wire] = r.tag();
      if (field === 1 && wire === WireType.LengthDelimited) type = r.string();
      else if (field === 2 && wire === WireType.LengthDelimited) raw = rawExtension(r, frame);
      else r.skip(wire);
    }
    if (!EVENT_TYPES.has(type as WatchEventType)) throw new ProtobufError(`a watch event of type ${JSON.stringify(type)}`);
    if (!raw) throw new ProtobufError(`a ${type} watch event without an object`);
    return { type: type as WatchEventType, object: eventObject(type as WatchEventType, raw) };
  } catch (err) {
    if (err instanceof ProtobufError) throw err;
    throw new ProtobufError((err as Error).message);
  }
}

/** Cuts JSON lines (`{"type":…,"object":…}\n`) off a byte stream; UTF-8 split across chunks is kept whole. */
export class JsonLineReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  push(chunk: Buffer): WatchEvent[] {
    const lines = (this.rest + this.decoder.write(chunk)).split('\n');
    this.rest = lines.pop() ?? '';
    const events: WatchEvent[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as WatchEvent);
      } catch (err) {
        throw new ProtobufError(`invalid JSON in a watch stream: ${(err as Error).message}`);
      }
    }
    return events;
  }

  get buffered(): number {
    return this.rest.trim().length;
  }
}

/** One raw watch request: the collection path, the query (`watch=true` is added) and when to send it. */
export interface RawWatchRequest {
  readonly path: string;
  readonly query: Record<string, string | number | boolean | undefined>;
  /** The media types asked for (`Accept`): the answer is read by the type it comes in. */
  readonly accept: string;
  /** The request budget: the request is sent once it resolves. */
  readonly ready: Promise<void>;
}

/** The reader of an answer by its content type: frames of protobuf or JSON lines. */
function eventReader(contentType: string): { push(chunk: Buffer): WatchEvent[]; readonly buffered: number } {
  if (!contentType.startsWith(PROTOBUF)) return new JsonLineReader();
  const frames = new FrameReader();
  return {
    push: (chunk: Buffer): WatchEvent[] => frames.push(chunk).map(decodeWatchEvent),
    get buffered(): number {
      return frames.buffered;
    },
  };
}

function watchUrl(kubeConfig: KubeConfig, request: RawWatchRequest): URL {
  const query = new URLSearchParams({ watch: 'true' });
  for (const [k, v] of Object.entries(request.query)) if (v !== undefined && v !== '') query.set(k, String(v));
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  return new URL(`${server.replace(/\/$/, '')}${request.path}?${query}`);
}

/** What an answer other than 200 said: its `Status` (protobuf or JSON) as an error. */
function refusal(res: http.IncomingMessage, body: Buffer): KubeApiError {
  const status = res.statusCode ?? 0;
  const protobuf = String(res.headers['content-type'] ?? '').startsWith(PROTOBUF);
  let detail: unknown = body.toString('utf8');
  if (protobuf) {
    try {
      detail = decodeStatus(body);
    } catch {
      detail = `an undecodable protobuf Status of ${body.length} bytes`;
    }
  }
  return errorFromStatus(status, detail, res.headers);
}

interface Sink {
  readonly deliver: (event: WatchEvent) => void;
  readonly settle: (err: unknown) => void;
}

/** Sends the request and feeds the answer's events to `sink` until it ends, fails or is aborted. */
async function open(kubeConfig: KubeConfig, request: RawWatchRequest, signal: AbortSignal, sink: Sink): Promise<void> {
  const init = await kubeConfig.applyToFetchOptions({});
  const headers: Record<string, string> = { accept: request.accept };
  (init.headers as unknown as { forEach(cb: (value: string, key: string) => void): void } | undefined)?.forEach((value, key) => (headers[key] = value));
  const url = watchUrl(kubeConfig, request);
  const transport = url.protocol === 'http:' ? http : https;
  const req = transport.get(url, { agent: init.agent as http.Agent | undefined, headers, signal }, (res) => {
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => sink.settle(refusal(res, Buffer.concat(chunks))));
      res.on('error', sink.settle);
      return;
    }
    const reader = eventReader(String(res.headers['content-type'] ?? ''));
    res.on('data', (chunk: Buffer) => {
      try {
        for (const event of reader.push(chunk)) sink.deliver(event);
      } catch (err) {
        const message = err instanceof ProtobufError ? `the API server's watch of ${request.path} sent ${err.message}` : (err as Error).message;
        sink.settle(err instanceof KubeApiError ? err : new KubeApiError('Unknown', 200, message));
        req.destroy();
      }
    });
    res.on('end', () => sink.settle(reader.buffered ? new KubeApiError('Network', 0, `the watch of ${request.path} ended inside an event`) : null));
    res.on('error', sink.settle);
  });
  req.on('error', sink.settle);
}

/**
 * Runs one watch over its own HTTP request. `stop()` aborts it (also before it was sent or
 * answered) and resolves `done`; events after `stop()` are never delivered; an answer other than
 * 200 rejects `done` with its `Status`, a malformed event with an `Unknown` error.
 */
export function startRawWatch(kubeConfig: KubeConfig, request: RawWatchRequest, onEvent: (event: WatchEvent) => void): WatchStream {
  const controller = new AbortController();
  let stopped = false;
  let settled = false;
  let settle: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      controller.abort();
      if (err && !stopped) reject(toKubeApiError(err));
      else resolve();
    };
  });
  const sink: Sink = {
    deliver: (event) => {
      if (!stopped && !settled) onEvent(event);
    },
    settle: (err) => settle(err),
  };
  request.ready.then(() => (stopped ? undefined : open(kubeConfig, request, controller.signal, sink))).catch((err: unknown) => settle(err));
  return {
    done,
    stop: (): void => {
      stopped = true;
      settle(null);
    },
  };
}
