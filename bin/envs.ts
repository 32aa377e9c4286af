/**
 * npm run -s envs: the environments (folders under secrets/ with at least one secret file), sorted, as one
 * compact JSON array on one line, e.g. ["development","production"]. CI builds its matrices from it.
 */
import { EXIT_USAGE, parseCommandLine } from "../src/cli/command-line";
import { discoverSecrets } from "../src/discovery/discover-secrets";

const ENVS_USAGE = `Usage: npm run -s envs [-- --help]

Prints the environments (folders under secrets/ with at least one secret file), sorted, as one compact JSON
array on one line, e.g. ["development","production"]. CI builds its job matrices from it.

Exit codes: 0 printed, 2 usage error.
`;

const commandLine = parseCommandLine({ name: "envs", usage: ENVS_USAGE }, process.argv.slice(2));
if (commandLine.kind === "help") process.stdout.write(commandLine.text);
else if (commandLine.kind === "usage-error") {
  process.stderr.write(commandLine.message);
  process.exitCode = EXIT_USAGE;
} else console.log(JSON.stringify(discoverSecrets(process.cwd()).environments.map((e) => e.name)));
