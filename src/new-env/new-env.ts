/**
 * `npm run new-env`, as a pure function: from what the repository holds (does the folder exist, the
 * `.sops.yaml` text, the bootstrap settings) to the files to write and the next steps, or to every reason to
 * refuse. Nothing is written unless everything checks out.
 */
import { sopsKeyAliasArn } from "../bootstrap/bootstrap-names";
import { AWS_REGION_SOURCE, environmentNameProblem } from "../config/names";
import {
  addCreationRule,
  readCreationRules,
  ruleIsForEnvironment,
  SOPS_CONFIG_FILE,
} from "./sops-creation-rule";

/** A KMS key ARN (key ID or multi-Region `mrk-` ID) or alias ARN, as sops accepts in a creation rule's `kms`. */
export const KMS_ARN = new RegExp(
  `^arn:aws[a-z-]*:kms:${AWS_REGION_SOURCE}:\\d{12}:(key\\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\\/[A-Za-z0-9/_-]+)$`,
);

export interface NewEnvInput {
  readonly name: string;
  /** `--kms-arn`. @default - the bootstrap alias ARN, when `bootstrap` is given */
  readonly kmsArn?: string;
  /** Whether secrets/<name> exists (file or folder). */
  readonly folderExists: boolean;
  /** The `.sops.yaml` text. @default - no file yet: one is created */
  readonly sopsConfig?: string;
  /** The bootstrap stack's account and region, when cdktf.json `context.bootstrap.accountId` is set. @default - none */
  readonly bootstrap?: { readonly accountId: string; readonly region: string };
  /** Why the bootstrap settings could not be read (shown when they are needed). @default - none */
  readonly bootstrapProblem?: string;
}

export interface FileToWrite {
  /** Repository-relative POSIX path. */
  readonly path: string;
  readonly content: string;
}

export type NewEnvPlan =
  | {
      readonly ok: true;
      readonly kmsArn: string;
      /** Where the ARN came from. */
      readonly kmsArnSource: "option" | "bootstrap";
      /** Folders to create, then files to write. */
      readonly folders: readonly string[];
      readonly files: readonly FileToWrite[];
      readonly nextSteps: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

export function planNewEnvironment(input: NewEnvInput): NewEnvPlan {
  const { name } = input;
  const problems: string[] = [];
  const nameProblem = environmentNameProblem(name);
  if (nameProblem) problems.push(`the environment name "${name}" ${nameProblem}; choose another name`);
  else if (input.folderExists)
    problems.push(
      `secrets/${name} already exists: the environment exists; add secrets to it with \`sops secrets/${name}/<name>.enc.json\``,
    );

  const rules = readCreationRules(input.sopsConfig);
  if ("problem" in rules) problems.push(`${rules.problem}; fix ${SOPS_CONFIG_FILE} first`);
  else if (!nameProblem) {
    const existing = rules.rules.findIndex((rule) => ruleIsForEnvironment(rule, name));
    if (existing !== -1)
      problems.push(
        `${SOPS_CONFIG_FILE} already has a creation rule for "${name}" (creation_rules[${existing}], path_regex ` +
          `${JSON.stringify(rules.rules[existing].pathRegex)}): the environment exists; remove the rule first if it is stale`,
      );
  }

  let kmsArn: string | undefined;
  let kmsArnSource: "option" | "bootstrap" = "option";
  if (input.kmsArn !== undefined) {
    if (KMS_ARN.test(input.kmsArn)) kmsArn = input.kmsArn;
    else
      problems.push(
        `--kms-arn "${input.kmsArn}" is not a KMS key or alias ARN; expected arn:aws:kms:<region>:<12-digit account>:key/<key id> ` +
          `or arn:aws:kms:<region>:<account>:alias/<name>`,
      );
  } else if (input.bootstrap && !nameProblem) {
    kmsArn = sopsKeyAliasArn(input.bootstrap.region, input.bootstrap.accountId, name);
    kmsArnSource = "bootstrap";
  } else if (!nameProblem) {
    problems.push(
      `no KMS key for the rule: pass --kms-arn <key or alias ARN>, or set context.bootstrap.accountId in cdktf.json ` +
        `to use the bootstrap stack's alias alias/sops-${name}` +
        (input.bootstrapProblem ? ` (cdktf.json: ${input.bootstrapProblem})` : ""),
    );
  }

  let sopsText: string | undefined;
  if (problems.length === 0 && kmsArn !== undefined) {
    const added = addCreationRule(input.sopsConfig, name, kmsArn);
    if (added.ok) sopsText = added.text;
    else problems.push(added.problem);
  }
  if (problems.length > 0 || kmsArn === undefined || sopsText === undefined) return { ok: false, problems };

  return {
    ok: true,
    kmsArn,
    kmsArnSource,
    folders: [`secrets/${name}`],
    files: [
      { path: SOPS_CONFIG_FILE, content: sopsText },
      { path: `secrets/${name}/README.md`, content: environmentReadme(name) },
    ],
    nextSteps: [
      ...(kmsArnSource === "bootstrap"
        ? [
            `cdktf deploy bootstrap   # creates alias/sops-${name} and the sops-${name}-* policies, if not done yet`,
          ]
        : []),
      `sops secrets/${name}/app.enc.json   # create a first secret (opens your editor)`,
      `npm run check`,
      `cdktf deploy ${name}`,
    ],
  };
}

function environmentReadme(name: string): string {
  return [
    `# ${name}`,
    "",
    `Secrets of the \`${name}\` environment, one sops-encrypted file per Secrets Manager secret:`,
    `\`secrets/${name}/<name>.enc.json\` (or \`.yaml\`, \`.yml\`, \`.env\`), encrypted with the KMS key of its`,
    `creation rule in \`.sops.yaml\`. Create or edit one with \`sops secrets/${name}/<name>.enc.json\`.`,
    "",
  ].join("\n");
}
