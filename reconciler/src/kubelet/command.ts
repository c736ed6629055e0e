/**
 * `cdk8s-batch kubelet`: the simulated kubelet on its own, for a real control plane without
 * nodes (`npx projen cluster:up`): pods of the real job controller run as their sandbox
 * annotations say until the process is stopped.
 */
import { parseArgs } from 'node:util';
import { KubeClient, loadKubeConfig } from '../adapters/kube-client.ts';
import { UsageError } from '../cli/usage-error.ts';
import type { Command, CommandIo } from '../commands.ts';
import { ClientNodeKubeletWriter, DEFAULT_NODE_NAME, SimulatedKubelet } from './kubelet.ts';

export const KUBELET_USAGE = `usage: cdk8s-batch kubelet [options]

Registers one simulated Node on a real API server, binds the pods of the real controllers to it
and moves them through Pending, Running and Succeeded/Failed as the sandbox.batch.cdk8s.io/*
annotations of their pod template say. Deleted pods stop within their grace period. Runs until
SIGINT or SIGTERM.

options:
  --kubeconfig <file>     kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config)
  --context <name>        context of the kubeconfig
  --node-name <name>      name of the simulated Node (default ${DEFAULT_NODE_NAME})
  --seed <n>              seed of the pods' outcomes (default 1)
  -h, --help              show this help`;

function parse(args: string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'node-name': { type: 'string', default: DEFAULT_NODE_NAME },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; see 'cdk8s-batch kubelet --help'`);
  }
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

export const kubeletCommand: Command = {
  summary: 'run a simulated node (kubelet) against a real control plane that has none',
  async run(args: string[], io: CommandIo): Promise<number> {
    const values = parse(args);
    if (values.help) {
      io.stdout.write(`${KUBELET_USAGE}\n`);
      return 0;
    }
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number (got ${JSON.stringify(values.seed)})`);
    const kubeConfig = loadKubeConfig({ kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined, env: io.env });
    const kubelet = new SimulatedKubelet({
      port: new KubeClient(kubeConfig),
      writer: new ClientNodeKubeletWriter(kubeConfig),
      nodeName: String(values['node-name']),
      seed,
      onError: (err, pod) => io.stderr.write(`kubelet: ${pod.namespace}/${pod.name}: ${err.message}\n`),
    });
    await kubelet.start();
    io.stdout.write(`kubelet: node ${kubelet.nodeName} is Ready on ${kubeConfig.getCurrentCluster()?.server}; Ctrl-C stops it\n`);
    await untilSignal();
    await kubelet.stop();
    return 0;
  },
};
