/**
 * The cdktf app (`npm run synth`, `cdktf synth|plan|deploy`): see src/synth/synthesize-repo.ts.
 */
import { runSynth } from "./src/synth/synthesize-repo";

process.exitCode = runSynth(process.cwd());
