/**
 * npm run rekey -- [--apply] [--now DATE]: which files need `sops updatekeys` / `sops rotate` and why (rules
 * SS005 and SS014), with the commands; --apply runs them with the sops on PATH, then checks again.
 * Exit 0 nothing to do, 1 work left or a command failed, 2 usage or configuration error. See src/rekey/.
 */
import { runRekeyCli } from "../src/rekey/rekey-cli";

const result = runRekeyCli(process.argv.slice(2), process.cwd());
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
