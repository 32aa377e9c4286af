/**
 * Write-only mode: `ephemeral "sops_file"` (carlpett/sops >= 1.3.0) feeding `secret_string_wo`
 * (hashicorp/aws 5.89+, Terraform >= 1.11), so no decrypted value reaches state or plan files.
 *
 * cdktf 0.21 has no ephemeral blocks: `EphemeralSopsFile` is a TerraformElement that writes the block itself.
 * Ephemeral values may flow only into write-only arguments. That is enforced by construction: the values
 * are `EphemeralValue` objects, opaque outside this file (no string, no token), and the only code that
 * can unwrap one is `WriteOnlySecretVersion` below, which also refuses a value from another stack (a
 * cross-stack reference would become an output). No output, local or other attribute can receive one.
 */
import { Construct } from "constructs";
import { Fn, ref, TerraformElement, TerraformStack, Token } from "cdktf";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { renderHclBlock } from "../cdktf/hcl-fixups";
import { SopsInputType } from "./sops-provider";

export interface EphemeralSopsFileConfig {
  /** Path of the encrypted file, resolved by Terraform from its working directory. */
  readonly sourceFile: string;
  /** @default - guessed by the provider from the file extension */
  readonly inputType?: SopsInputType;
}

/**
 * A value known only during a Terraform run. Opaque: its expression lives in ES private fields (invisible to
 * cdktf's walkers and to JSON), and any attempt to resolve, stringify or serialise it throws.
 */
export class EphemeralValue {
  readonly #expression: string;
  readonly #stack: TerraformStack;

  private constructor(expression: string, stack: TerraformStack) {
    this.#expression = expression;
    this.#stack = stack;
  }

  /** @internal */
  static create(expression: string, stack: TerraformStack): EphemeralValue {
    return new EphemeralValue(expression, stack);
  }

  /** @internal used only by WriteOnlySecretVersion, in this file */
  static unwrap(value: EphemeralValue, consumer: Construct): string {
    const consumerStack = TerraformStack.of(consumer);
    if (consumerStack !== value.#stack) {
      throw new Error(
        `An ephemeral value of stack "${value.#stack.node.id}" cannot be used in stack "${consumerStack.node.id}": ` +
          "a cross-stack reference would store it as an output. Read the file in the stack that uses it.",
      );
    }
    return value.#expression;
  }

  /** Called by cdktf when the value was put anywhere but a write-only argument (an output, a local...). */
  resolve(): never {
    throw new Error(MISUSE);
  }

  get creationStack(): string[] {
    return [];
  }

  toString(): string {
    throw new Error(MISUSE);
  }

  toJSON(): never {
    throw new Error(MISUSE);
  }
}

const MISUSE =
  "An ephemeral value can only be stored with WriteOnlySecretVersion (secret_string_wo): it cannot be used as a string, " +
  "serialised, or put in an output or any other attribute.";

/** `ephemeral "sops_file"`: decrypts during each Terraform run; nothing is stored. */
export class EphemeralSopsFile extends TerraformElement {
  public static readonly tfResourceType = "sops_file";

  public readonly sourceFile: string;
  public readonly inputType?: SopsInputType;

  constructor(scope: Construct, id: string, config: EphemeralSopsFileConfig) {
    super(scope, id, "ephemeral.sops_file");
    this.sourceFile = config.sourceFile;
    this.inputType = config.inputType;
  }

  private attribute(name: "raw" | "data"): string {
    return Token.asString(ref(`ephemeral.sops_file.${this.friendlyUniqueId}.${name}`, this.cdktfStack));
  }

  /** The decrypted file as text: for JSON files, the JSON document. */
  public get raw(): EphemeralValue {
    return EphemeralValue.create(this.attribute("raw"), this.cdktfStack);
  }

  /** A YAML file's content as a JSON object: `jsonencode(yamldecode(raw))`. */
  public get yamlAsJson(): EphemeralValue {
    return EphemeralValue.create(Fn.jsonencode(Fn.yamldecode(this.attribute("raw"))), this.cdktfStack);
  }

  /** The flat `data` map as a JSON object: `jsonencode(data)` (dotenv files). */
  public get dataAsJson(): EphemeralValue {
    return EphemeralValue.create(Fn.jsonencode(this.attribute("data")), this.cdktfStack);
  }

  public toTerraform(): Record<string, unknown> {
    return { ephemeral: { sops_file: { [this.friendlyUniqueId]: this.attributes() } } };
  }

  /** cdktf's HCL renderer drops unknown top-level blocks: EnvironmentStack appends `renderHcl()` itself. */
  public toHclTerraform(): Record<string, unknown> {
    return {};
  }

  public renderHcl(): string {
    return renderHclBlock("ephemeral", ["sops_file", this.friendlyUniqueId], this.attributes());
  }

  private attributes(): Record<string, string> {
    return {
      source_file: this.sourceFile,
      ...(this.inputType !== undefined && { input_type: this.inputType }),
    };
  }
}

export interface WriteOnlySecretVersionProps {
  /** ID or ARN of the secret. */
  readonly secretId: string;
  /** The value to store, from an EphemeralSopsFile of the same stack. */
  readonly value: EphemeralValue;
  /** Change it to make Terraform write the value again (`secret_string_wo_version`). */
  readonly version: number;
}

/** `aws_secretsmanager_secret_version` with `secret_string_wo`: the only sink for ephemeral values. */
export class WriteOnlySecretVersion extends SecretsmanagerSecretVersion {
  constructor(scope: Construct, id: string, props: WriteOnlySecretVersionProps) {
    super(scope, id, { secretId: props.secretId, secretStringWoVersion: props.version });
    if (!Number.isSafeInteger(props.version) || props.version < 1) {
      throw new Error(`secret_string_wo_version must be a positive integer, received ${props.version}`);
    }
    this.secretStringWo = EphemeralValue.unwrap(props.value, this);
  }
}
