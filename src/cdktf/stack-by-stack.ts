/**
 * Synthesizes stacks one at a time, each in its own cdktf `App`, so that only one stack's constructs and
 * tokens are alive at once: peak memory follows the largest stack, not the sum of all of them, and the
 * garbage collector scans a small heap. `App.synth()` would build every stack first and resolve them after.
 *
 * Each App writes its stack folder into the same output folder and a `manifest.json` naming only its own
 * stack; `finish()` writes the manifest of all of them (what the cdktf CLI reads), through cdktf's own
 * `Manifest`, so the bytes are those one App would have written (tested in
 * __tests__/cdktf/byte-identity.test.ts). Only for stacks that reference no other stack: a cross-stack
 * reference needs both stacks in one App.
 */
import { App, TerraformStack } from "cdktf";
import { StackSynthesizer } from "./internals";
import { withTokensFreedAfter } from "./token-scope";

export interface StackByStackProps {
  /** Output folder (the staging folder). */
  readonly outdir: string;
  /** Render HCL instead of JSON. @default - cdktf's default: $SYNTH_HCL_OUTPUT, else JSON */
  readonly hclOutput?: boolean;
}

let oneApp = false;

export class StackByStackSynth {
  private readonly manifests: App["manifest"]["stacks"][string][] = [];
  private readonly shared?: App;

  constructor(private readonly props: StackByStackProps) {
    if (oneApp) this.shared = this.newApp();
  }

  /** Builds one stack in a fresh App and synthesizes it at once (in `withOneApp`: at `finish`). */
  public add(build: (app: App) => TerraformStack): void {
    if (this.shared) {
      this.build(this.shared, build);
      return;
    }
    // The stack's tokens are freed once it is written: nothing resolves them again (token-scope.ts).
    withTokensFreedAfter(() => {
      const app = this.newApp();
      this.build(app, build);
      app.synth();
      this.manifests.push(...Object.values(app.manifest.stacks));
    });
  }

  private build(app: App, build: (app: App) => TerraformStack): void {
    const stack = build(app);
    // cdktf 0.21 stacks read only $SYNTH_HCL_OUTPUT (what `cdktf synth --hcl` sets), not the App's option.
    if (this.props.hclOutput !== undefined)
      stack.synthesizer = new StackSynthesizer(stack, false, this.props.hclOutput);
  }

  /** Writes the manifest of every stack added. */
  public finish(): void {
    if (this.shared) {
      this.shared.synth();
      return;
    }
    const app = this.newApp();
    for (const m of this.manifests) app.manifest.stacks[m.name] = m;
    app.manifest.writeToFile();
  }

  private newApp(): App {
    return new App({
      outdir: this.props.outdir,
      stackTraces: false,
      ...(this.props.hclOutput !== undefined && { hclOutput: this.props.hclOutput }),
    });
  }
}

/** Runs `fn` with every StackByStackSynth using one App for all its stacks: for the byte-identity test. */
export function withOneApp<T>(fn: () => T): T {
  const previous = oneApp;
  oneApp = true;
  try {
    return fn();
  } finally {
    oneApp = previous;
  }
}
