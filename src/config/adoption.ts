/**
 * Adoption: `context.environments.<env>.adopt` maps a secret's logical name to the ARN of a Secrets Manager
 * secret that already exists, and the environment's stack imports it (a Terraform `import` block) instead of
 * creating it. Pure: the ARN format, and the checks that make sure an import can never replace (destroy) a
 * secret: the ARN names exactly the secret the stack would create (name from the template, region, account
 * when known), and the logical name has a file.
 */
import type { Diagnostic } from "../diagnostics";
import { configInvalidValue } from "../errors";
import { partitionOf } from "../bootstrap/bootstrap-names";
import { EnvironmentSettings, secretNameFor } from "./config";

/** A Secrets Manager secret ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`. */
export const SECRET_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]{1,512})-([A-Za-z0-9]{6})$/;

export interface SecretArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The secret's name (the ARN without Secrets Manager's `-` and 6 random characters). */
  readonly name: string;
}

export function parseSecretArn(arn: string): SecretArnParts | undefined {
  const m = SECRET_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], accountId: m[3], name: m[4] } : undefined;
}

export interface AdoptionInput {
  readonly environment: string;
  readonly settings: EnvironmentSettings;
  /** The environment's logical names (its secret files). */
  readonly logicalNames: ReadonlySet<string>;
  /** The account the stack deploys to when known: the assumed role's, else `context.bootstrap.accountId`. */
  readonly accountId?: string;
}

/** Every reason an `adopt` entry of one environment cannot be imported safely. */
export function adoptionProblems(input: AdoptionInput): Diagnostic[] {
  const { environment: env, settings } = input;
  const out: Diagnostic[] = [];
  for (const [name, arn] of Object.entries(settings.adopt ?? {})) {
    const at = `context.environments.${env}.adopt.${name}`;
    if (!input.logicalNames.has(name)) {
      out.push(
        configInvalidValue(
          at,
          `adopts a secret for "${name}", but environment "${env}" has no secret file with that logical name ` +
            `(secrets/${env}/${name}.enc.<ext>)`,
          `add the sops file secrets/${env}/${name}.enc.json (or .yaml, .env, ...), or remove "${at}"`,
        ),
      );
      continue;
    }
    const parts = parseSecretArn(arn);
    if (!parts) continue; // the schema reported it
    const expected = secretNameFor(settings, env, name);
    const mismatches: string[] = [];
    if (parts.name !== expected)
      mismatches.push(`name "${parts.name}", not "${expected}" (the secret name template)`);
    if (parts.region !== settings.region) mismatches.push(`region ${parts.region}, not ${settings.region}`);
    if (parts.partition !== partitionOf(settings.region)) mismatches.push(`partition ${parts.partition}`);
    if (input.accountId !== undefined && parts.accountId !== input.accountId)
      mismatches.push(`account ${parts.accountId}, not ${input.accountId}`);
    if (mismatches.length > 0)
      out.push(
        configInvalidValue(
          at,
          `names a secret with ${mismatches.join(", ")}: the stack would import it and then replace it ` +
            `(destroy it and create "${expected}"), so it is refused`,
          `adopt the secret the stack manages (arn:${partitionOf(settings.region)}:secretsmanager:${settings.region}:` +
            `<account>:secret:${expected}-XXXXXX), or set the secret name template so that it names the existing secret`,
        ),
      );
  }
  return out;
}
