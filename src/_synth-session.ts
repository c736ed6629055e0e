import { IConstruct } from 'constructs';

/**
 * Tells the validation passes of one cdk8s synth apart from those of the next, so that a
 * cdk8s-batch object is rendered and checked once per synth instead of once per pass.
 *
 * cdk8s validates the whole app once at the start of `App.synth()` and `App.synthYaml()`, then
 * once more before it renders each chart (`App._synthChart`, the body of `Chart.toJson()` and so
 * of `Testing.synth()`). A pass that runs inside `_synthChart` called by `App.synth()` or
 * `App.synthYaml()` continues the synth whose first pass has already run in that same call: no
 * user code outside the synth has run in between. Every other pass starts a new synth.
 *
 * The root of the construct tree gets one validation of its own: cdk8s visits the tree root
 * first, so it runs at the start of every pass and records which kind of pass it is. A pass is
 * told apart by the cdk8s functions on the call stack (read as V8 call sites, names and files,
 * so a source-map hook or a custom `Error.prepareStackTrace` does not change what is read).
 * When the stack does not show them (another cdk8s release, a bundled cdk8s), every pass counts
 * as a new synth and every object is rendered for each pass, as cdk8s itself does.
 */
export class SynthSession {
  /** The session of the construct tree `scope` belongs to; creates it on first use. */
  public static of(scope: IConstruct): SynthSession {
    const root = scope.node.root;
    let session = SESSIONS.get(root);
    if (!session) {
      const created = new SynthSession();
      root.node.addValidation({ validate: () => created.startPass() });
      SESSIONS.set(root, created);
      session = created;
    }
    return session;
  }

  /** Counts synths: a new synth starts with a pass that does not continue the previous one. */
  private synth = 0;
  /** Counts validation passes over the whole tree. */
  private pass = 0;
  /** Renders made by this synth's first pass, for the synth's output; dropped when the synth is over. */
  private renders = new Map<object, unknown>();

  private constructor() {}

  /** The current validation pass (0 before the first one). */
  public get currentPass(): number {
    return this.pass;
  }

  /** The current synth (0 before the first pass). */
  public get currentSynth(): number {
    return this.synth;
  }

  /** Keeps the render of `owner` made by this synth's validation, for this synth's output. */
  public keepRender(owner: object, json: unknown): void {
    if (this.pass > 0) this.renders.set(owner, json);
  }

  /**
   * The render of `owner` made by this synth's validation, when cdk8s asks for it to write the
   * synth's output (`caller`: the function cdk8s called); `undefined` for any other caller, or
   * when this synth has not rendered `owner`.
   */
  public renderForOutput(owner: object, caller: Function): unknown {
    if (!this.renders.has(owner)) return undefined;
    // cdk8s renders a chart's objects right after validating the app, in `_synthChart` (and in
    // `App.synth()` itself for the folder-per-chart output): `chartToKube(chart).map(o => o.toJson())`.
    const frames = callSites(3, caller);
    return frames.some((f) => isCdk8sApp(f, '_synthChart') || isCdk8sApp(f, 'synth')) ? this.renders.get(owner) : undefined;
  }

  private startPass(): string[] {
    this.pass++;
    if (!this.continuesSynth()) {
      this.synth++;
      const synth = this.synth;
      this.renders = new Map();
      // A synth is synchronous: once it returned, its renders are no longer needed.
      queueMicrotask(() => {
        if (this.synth === synth) this.renders = new Map();
      });
    }
    return [];
  }

  private continuesSynth(): boolean {
    const frames = callSites(12, this.startPass);
    const chart = frames.findIndex((f) => isCdk8sApp(f, '_synthChart'));
    return chart >= 0 && frames.slice(chart + 1).some((f) => isCdk8sApp(f, 'synthYaml') || isCdk8sApp(f, 'synth'));
  }
}

const SESSIONS = new WeakMap<IConstruct, SynthSession>();

const CDK8S_APP_FILE = /[\\/]cdk8s[\\/]lib[\\/]app\.js$/;

function isCdk8sApp(site: NodeJS.CallSite, functionName: string): boolean {
  return site.getFunctionName() === functionName && CDK8S_APP_FILE.test(site.getFileName() ?? '');
}

const RAW_CALL_SITES = (_error: Error, sites: NodeJS.CallSite[]): NodeJS.CallSite[] => sites;

/** Up to `limit` call sites of the caller of `above` (V8 call sites, whatever formats stack strings). */
function callSites(limit: number, above: Function): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const max = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = RAW_CALL_SITES;
    Error.stackTraceLimit = limit;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, above);
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = max;
  }
}
