/**
 * A simulated kubelet for a real control plane that has no nodes: it registers one Node, binds
 * the pods that the real controllers create to it (the scheduler's move, through the `binding`
 * subresource), and moves them through Pending → Running → Succeeded/Failed by writing their
 * status, as the sandbox annotations of their pod template say (duration, failure rate, exit
 * code, failing indexes; restarts under `OnFailure`). A deleted pod is stopped after a short
 * time within its grace period, put in the Failed phase and removed with grace period 0, so
 * terminating pods (and the `DisruptionTarget` condition of an eviction) are observable as on a
 * real node. Time is the wall clock: the real controllers do not run on simulated time.
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { toKubeApiError, type KubeApiError } from '../adapters/errors.ts';
import type { KubePort } from '../adapters/port.ts';
import type { KubeObject } from '../core/types.ts';
import type { StoredObject } from '../emulator/types.ts';
import { objectKey, Reflector } from '../runtime/reflector.ts';
import { timestamp, type Json } from '../sim/meta.ts';
import { DEFAULT_STOP_MS, kubeletStep, type KubeletStep } from './step.ts';

/** The writes a kubelet makes. */
export interface KubeletWriter {
  /** Creates the node, or leaves an existing one as it is. */
  registerNode(node: KubeObject): Promise<void>;
  bind(pod: PodRef, nodeName: string): Promise<void>;
  writeStatus(pod: PodRef, status: Json): Promise<void>;
  /** Deletes the pod with grace period 0 (finalizers still hold it until they are removed). */
  deleteNow(pod: PodRef): Promise<void>;
}

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface SimulatedKubeletOptions {
  /** Lists and watches the pods. */
  readonly port: KubePort;
  readonly writer: KubeletWriter;
  readonly nodeName?: string;
  /** Seed of the pods' outcomes (as the sandbox's `--seed`). */
  readonly seed?: number;
  /** How long containers take to stop once their pod is deleted (at most the grace period). */
  readonly stopMs?: number;
  readonly now?: () => number;
  /** Called for every write the API server refused (the pod is looked at again on its next change). */
  readonly onError?: (err: KubeApiError, pod: PodRef) => void;
}

export const DEFAULT_NODE_NAME = 'sandbox-node';

/** The Node the simulated kubelet registers: Ready, with room for every pod. */
export function nodeObject(name: string, now: number): KubeObject {
  const capacity = { cpu: '256', memory: '1Ti', pods: '10000', 'ephemeral-storage': '1Ti' };
  const at = timestamp(now);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node.batch.cdk8s.io/simulated': 'true' } },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at }],
    },
  };
}

function refOf(pod: KubeObject): PodRef {
  return { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
}

/** Runs the kubelet of one simulated node against a real API server. */
export class SimulatedKubelet {
  readonly nodeName: string;
  private readonly reflector: Reflector;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Pods (by uid) already deleted with grace period 0: a finalizer may keep them a while. */
  private readonly deleted = new Set<string>();
  /** When each deleted pod (by uid) was first seen with its deletionTimestamp. */
  private readonly deletionSeen = new Map<string, number>();
  private stopped = false;

  constructor(private readonly options: SimulatedKubeletOptions) {
    this.nodeName = options.nodeName ?? DEFAULT_NODE_NAME;
    this.reflector = new Reflector(options.port, {
      kind: 'Pod',
      handler: {
        onAdd: (pod) => this.poke(pod),
        onUpdate: (_old, pod) => this.poke(pod),
        onDelete: (pod) => this.forget(pod),
      },
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Registers the node and starts watching pods; resolves once the pod list has been read. */
  async start(): Promise<void> {
    await this.options.writer.registerNode(nodeObject(this.nodeName, this.now()));
    this.reflector.start();
    await this.reflector.waitForSync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.reflector.stop();
    await Promise.allSettled([...this.busy.values()]);
  }

  private forget(pod: KubeObject): void {
    const key = objectKey(pod);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.deleted.delete(pod.metadata?.uid ?? '');
    this.deletionSeen.delete(pod.metadata?.uid ?? '');
  }

  /** Looks at a pod now; a pod already being handled is looked at again right after. */
  private poke(pod: KubeObject): void {
    if (this.stopped) return;
    const key = objectKey(pod);
    if (this.busy.has(key)) {
      this.again.add(key);
      return;
    }
    const work = this.handle(key).finally(() => {
      this.busy.delete(key);
      const current = this.reflector.get(key);
      if (this.again.delete(key) && current) this.poke(current);
    });
    this.busy.set(key, work);
  }

  private schedule(key: string, at: number): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const pod = this.reflector.get(key);
      if (pod) this.poke(pod);
    }, Math.max(0, at - this.now()));
    timer.unref?.();
    this.timers.set(key, timer);
  }

  /** When this kubelet first saw the pod with a deletionTimestamp (undefined while it has none). */
  private deletionSeenAt(pod: KubeObject): number | undefined {
    if (!pod.metadata?.deletionTimestamp) return undefined;
    const uid = String(pod.metadata.uid);
    if (!this.deletionSeen.has(uid)) this.deletionSeen.set(uid, this.now());
    return this.deletionSeen.get(uid);
  }

  private async handle(key: string): Promise<void> {
    const pod = this.reflector.get(key);
    if (!pod) return;
    const step = kubeletStep({
      pod: pod as StoredObject,
      now: this.now(),
      nodeName: this.nodeName,
      seed: this.options.seed ?? 1,
      stopMs: this.options.stopMs ?? DEFAULT_STOP_MS,
      deletionSeenAt: this.deletionSeenAt(pod),
    });
    try {
      await this.perform(pod, step);
    } catch (err) {
      this.options.onError?.(toKubeApiError(err), refOf(pod));
    }
    if ((step.kind === 'wait' || step.kind === 'status') && step.wakeAt !== undefined) this.schedule(key, step.wakeAt);
  }

  private async perform(pod: KubeObject, step: KubeletStep): Promise<void> {
    const ref = refOf(pod);
    if (step.kind === 'bind') return this.options.writer.bind(ref, this.nodeName);
    if (step.kind === 'status') return this.options.writer.writeStatus(ref, step.status);
    if (step.kind === 'delete' && !this.deleted.has(ref.uid)) {
      this.deleted.add(ref.uid);
      return this.options.writer.deleteNow(ref);
    }
  }
}

/** The kubelet's writes through client-node. */
export class ClientNodeKubeletWriter implements KubeletWriter {
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async registerNode(node: KubeObject): Promise<void> {
    try {
      await this.core.createNode({ body: node as never });
    } catch (err) {
      if (toKubeApiError(err).status !== 409) throw err;
    }
  }

  async bind(pod: PodRef, nodeName: string): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    await this.core.createNamespacedBinding({ namespace: pod.namespace, body: body as never });
  }

  async writeStatus(pod: PodRef, status: Json): Promise<void> {
    const body = { metadata: { uid: pod.uid }, status };
    await this.core.patchNamespacedPodStatus(
      { namespace: pod.namespace, name: pod.name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async deleteNow(pod: PodRef): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({
        namespace: pod.namespace,
        name: pod.name,
        gracePeriodSeconds: 0,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.uid } },
      });
    } catch (err) {
      if (toKubeApiError(err).status !== 404) throw err;
    }
  }
}
