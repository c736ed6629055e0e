import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConstructProblem, formatProblem } from './_validation';
import { JobBaseProps } from './job-base';
import { OneShotJob } from './one-shot-job';

/** The label shared by every Job (and pod) of one expansion. */
const EXPANSION_LABEL = 'batch.cdk8s.io/expansion';

/**
 * Props of `JobTemplateExpansion`.
 */
export interface JobTemplateExpansionProps extends JobBaseProps {
  /**
   * The work items: one Job per item. Items must be unique and non-empty. With `metadata.name`,
   * each Job is named `<name>-<item>` (`<name>-item<position>` for items that are not short DNS
   * labels).
   */
  readonly items: string[];

  /**
   * The environment variable that carries the item into every container and init container.
   *
   * @default "ITEM"
   */
  readonly itemVariable?: string;
}

/**
 * The "job template expansion" pattern: one `OneShotJob` per work item, all from the same
 * props. Each Job gets the item in an environment variable (`ITEM` by default) and the label
 * `batch.cdk8s.io/expansion`, shared by every Job and pod of the expansion, so they can be listed
 * and deleted together (`kubectl delete jobs -l batch.cdk8s.io/expansion=<value>`).
 *
 * Use it for a handful to a few hundred items that are known at synth time; for more, or for
 * items known only at run time, use an `IndexedJob` or a `WorkQueueJob`.
 *
 * @see https://kubernetes.io/docs/tasks/job/parallel-processing-expansion/
 */
export class JobTemplateExpansion extends Construct {
  /** The Jobs, in item order. */
  public readonly jobs: OneShotJob[];

  /** The work items, in order. */
  public readonly items: string[];

  /** The environment variable that carries the item. */
  public readonly itemVariable: string;

  /** The value of the `batch.cdk8s.io/expansion` label on every Job and pod. */
  public readonly labelValue: string;

  constructor(scope: Construct, id: string, props: JobTemplateExpansionProps) {
    super(scope, id);
    this.items = [...(props.items ?? [])];
    this.itemVariable = props.itemVariable ?? 'ITEM';
    this.labelValue = Names.toLabelValue(this);

    const problems: ConstructProblem[] = [];
    if (this.items.length === 0) {
      problems.push({ code: 'ExpansionItemsRequired', path: 'items', problem: 'must list at least one work item', got: [], fix: 'pass the work items, one Job is created per item' });
    }
    const seen = new Set<string>();
    this.jobs = [];
    this.items.forEach((item, i) => {
      if (typeof item !== 'string' || item === '' || seen.has(item)) {
        problems.push({
          code: 'ExpansionItemInvalid',
          path: `items[${i}]`,
          problem: 'must be a non-empty string that appears once',
          got: item,
          fix: 'remove the duplicate or empty item',
        });
        return;
      }
      seen.add(item);
      this.jobs.push(new OneShotJob(this, itemId(item, i), this.jobProps(props, item, itemId(item, i).toLowerCase())));
    });
    this.node.addValidation({ validate: () => problems.map(formatProblem) });
  }

  private jobProps(props: JobTemplateExpansionProps, item: string, suffix: string): JobBaseProps {
    const withItem = (c: kplus.ContainerProps): kplus.ContainerProps => ({
      ...c,
      envVariables: { ...c.envVariables, [this.itemVariable]: kplus.EnvValue.fromValue(item) },
    });
    const label = { [EXPANSION_LABEL]: this.labelValue };
    return {
      ...props,
      containers: props.containers?.map(withItem),
      initContainers: props.initContainers?.map(withItem),
      // a given name becomes the prefix of each Job's name; otherwise the chart generates one per Job
      // (the key must be absent, not undefined, for cdk8s to generate it)
      metadata: {
        ...props.metadata,
        ...(props.metadata?.name === undefined ? {} : { name: `${props.metadata.name}-${suffix}` }),
        labels: { ...props.metadata?.labels, ...label },
      },
      podMetadata: { ...props.podMetadata, labels: { ...props.podMetadata?.labels, ...label } },
    };
  }
}

/**
 * A readable construct id for an item: the item itself when it is a short DNS label, else
 * `Item<position>` (upper case, so it never equals another item's id).
 */
function itemId(item: string, index: number): string {
  return /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(item) ? item : `Item${index}`;
}
