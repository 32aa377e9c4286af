/**
 * `npm run new-env` against a real repository: reads what the plan needs, prints, and writes only when the plan
 * is accepted. Exit codes: 0 created, 1 refused (nothing written), 2 usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { parseBootstrapConfig } from "../bootstrap/bootstrap-config";
import { loadConfig } from "../config/load-config";
import { ENVIRONMENT_NAME } from "../config/names";
import { formatDiagnostic } from "../diagnostics";
import { describeReadFailure, readRegularFile } from "../discovery/safe-read";
import { NEW_ENV_USAGE, parseNewEnvArgs } from "./new-env-args";
import { NewEnvInput, planNewEnvironment } from "./new-env";
import { SOPS_CONFIG_FILE } from "./sops-creation-rule";

export interface NewEnvIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export function runNewEnv(root: string, argv: readonly string[], io: NewEnvIo): number {
  const args = parseNewEnvArgs(argv);
  if (args.kind === "help") {
    io.out(NEW_ENV_USAGE);
    return EXIT_OK;
  }
  if (args.kind === "usage-error") {
    io.err(`new-env: ${args.problem}\n`);
    io.err(NEW_ENV_USAGE);
    return EXIT_USAGE;
  }
  const { name } = args;
  // Only a valid name is ever joined to a path (no "../").
  const safeName = ENVIRONMENT_NAME.test(name);
  const sopsPath = path.join(root, SOPS_CONFIG_FILE);
  // Never read (or later write) a FIFO or folder named .sops.yaml: it would block or fail half-way.
  const sopsRead = readRegularFile(sopsPath);
  if (!sopsRead.ok && sopsRead.reason !== "missing") {
    io.err(`new-env: refused: ${SOPS_CONFIG_FILE} ${describeReadFailure(sopsRead)}.`);
    io.err("Nothing was written.");
    return EXIT_REFUSED;
  }
  const input: NewEnvInput = {
    name,
    ...(args.kmsArn !== undefined && { kmsArn: args.kmsArn }),
    folderExists: safeName && fs.existsSync(path.join(root, "secrets", name)),
    ...(sopsRead.ok && { sopsConfig: sopsRead.content.toString("utf8") }),
    ...(args.kmsArn === undefined && bootstrapOf(root)),
  };
  const plan = planNewEnvironment(input);
  if (!plan.ok) {
    for (const problem of plan.problems) io.err(`new-env: refused: ${problem}.`);
    io.err("Nothing was written.");
    return EXIT_REFUSED;
  }
  try {
    for (const folder of plan.folders) fs.mkdirSync(path.join(root, folder), { recursive: true });
    for (const file of plan.files) fs.writeFileSync(path.join(root, file.path), file.content);
  } catch (e) {
    io.err(`new-env: could not write: ${(e as Error).message}`);
    return EXIT_REFUSED;
  }
  io.out(
    `Created secrets/${name}/ and added its creation rule to ${SOPS_CONFIG_FILE} (kms: ${plan.kmsArn}).`,
  );
  io.out("Next steps:");
  plan.nextSteps.forEach((step, i) => io.out(`  ${i + 1}. ${step}`));
  return EXIT_OK;
}

/** The bootstrap account and region from cdktf.json, or why they are not available. */
function bootstrapOf(root: string): Pick<NewEnvInput, "bootstrap" | "bootstrapProblem"> {
  const { config, diagnostics } = loadConfig(root);
  if (!config) return { bootstrapProblem: diagnostics.map(formatDiagnostic).join(" ") || "unreadable" };
  const { settings, diagnostics: bootstrapDiagnostics } = parseBootstrapConfig(config.bootstrap);
  if (bootstrapDiagnostics.length > 0 && !settings)
    return { bootstrapProblem: bootstrapDiagnostics.map(formatDiagnostic).join(" ") };
  if (settings?.accountId === undefined) return {};
  return { bootstrap: { accountId: settings.accountId, region: settings.region ?? config.defaults.region } };
}
