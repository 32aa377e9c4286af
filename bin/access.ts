/**
 * npm run access -- [--markdown | --json] [--html FILE] [--now DATE]: who can decrypt what, from the sops
 * metadata only. Exit 0 all in sync with .sops.yaml, 1 not, 2 usage or configuration error. See
 * src/access/access-cli.ts and README, "Who can decrypt what".
 */
import { runAccessCli } from "../src/access/access-cli";

const result = runAccessCli(process.argv.slice(2), process.cwd());
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
