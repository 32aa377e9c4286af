/**
 * A synth process for kill and race tests: loads everything, prints "ready", then runs the same `runSynth`
 * as main.ts in its working directory when a line arrives on stdin, so a test can start the synth (and
 * time a SIGKILL) without the module loading in the measured window. Built with esbuild by the tests.
 */
import { withBackgroundWriteThreshold } from "../src/synth/background-writer";
import { runSynth } from "../src/synth/synthesize-repo";

// SOPS_SECRETS_TEST_BACKGROUND_MIN_FILES=0 makes the copies go through the worker thread whatever their number.
const backgroundMinFiles = process.env.SOPS_SECRETS_TEST_BACKGROUND_MIN_FILES;

process.stdin.once("data", () => {
  const run = () => runSynth(process.cwd());
  const code =
    backgroundMinFiles === undefined ? run() : withBackgroundWriteThreshold(Number(backgroundMinFiles), run);
  process.exit(code);
});
process.stdout.write("ready\n");
