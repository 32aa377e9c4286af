/**
 * npm run preflight -- [--env NAME]... [--json]: before a deploy, what the apply will do with each secret
 * (create, import, managed already) or why it would fail ("already exists", scheduled for deletion, adopt
 * entries that do not match), from DescribeSecret only. Exit 0 nothing would fail, 1 a problem, 2 usage or
 * configuration error. See src/preflight/.
 */
import { runPreflightCli } from "../src/preflight/preflight-cli";

void runPreflightCli(process.argv.slice(2), process.cwd()).then((result) => {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
});
