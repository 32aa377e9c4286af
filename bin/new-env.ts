/**
 * npm run new-env -- <name> [--kms-arn ARN]: creates secrets/<name>/ and its `.sops.yaml` creation rule.
 * Exit 0 created, 1 refused (nothing written), 2 usage error. Logic in src/new-env/ (see docs/bootstrap.md).
 */
import { runNewEnv } from "../src/new-env/run-new-env";

process.exitCode = runNewEnv(process.cwd(), process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
