/**
 * The cdktf app (`npm run synth`, `cdktf synth|plan|deploy`): see src/synth/synthesize-repo.ts. The cdktf CLI
 * runs this same file (cdktf.json "app") without arguments; `npm run synth -- --help` prints the usage.
 */
import { EXIT_OK, EXIT_USAGE, parseCommandLine } from "./src/cli/command-line";
import { runSynth } from "./src/synth/synthesize-repo";

const SYNTH_USAGE = `Usage: npm run synth [-- --help]

Checks the repository with every rule of \`npm run check\`, then writes one Terraform stack per environment
(folder under secrets/ with a secret file) into cdktf.out/stacks/<env>/ (CDKTF_OUTDIR overrides the folder).
On any error nothing is written. The cdktf CLI (cdktf synth | diff | deploy) runs this same program through
cdktf.json "app".

Exit codes: 0 written, 1 refused (rule errors, or another synth holds the output folder; nothing written),
2 usage or configuration error (cdktf.json, the output folder; nothing written).
`;

const commandLine = parseCommandLine({ name: "synth", usage: SYNTH_USAGE }, process.argv.slice(2));
if (commandLine.kind === "help") {
  process.stdout.write(commandLine.text);
  process.exitCode = EXIT_OK;
} else if (commandLine.kind === "usage-error") {
  process.stderr.write(commandLine.message);
  process.exitCode = EXIT_USAGE;
} else process.exitCode = runSynth(process.cwd());
