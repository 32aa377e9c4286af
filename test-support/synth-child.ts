/**
 * A synth process for kill and race tests: loads everything, prints "ready", then runs the same `runSynth`
 * as main.ts in its working directory when a line arrives on stdin, so a test can start the synth (and
 * time a SIGKILL) without the module loading in the measured window. Built with esbuild by the tests.
 */
import { runSynth } from "../src/synth/synthesize-repo";

process.stdin.once("data", () => {
  const code = runSynth(process.cwd());
  process.exit(code);
});
process.stdout.write("ready\n");
