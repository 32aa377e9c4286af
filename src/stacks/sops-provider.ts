/**
 * Hand-written cdktf binding for the carlpett/sops provider (no prebuilt binding exists and `cdktf get`
 * needs the registry): `provider "sops"` and `data "sops_file"`. The ephemeral `sops_file` is in
 * ephemeral-sops-file.ts.
 */
import { Construct } from "constructs";
import {
  IResolvable,
  stringToHclTerraform,
  stringToTerraform,
  TerraformDataSource,
  TerraformMetaArguments,
  TerraformProvider,
} from "cdktf";

export const SOPS_PROVIDER_SOURCE = "carlpett/sops";
/**
 * Pinned exactly (data and ephemeral `sops_file`; ephemeral since 1.3.0): a provider that decrypts secrets is
 * never upgraded implicitly. v1.4.1 (2026-03-19) is the newest tag of github.com/carlpett/terraform-provider-sops. Change it together with the committed `.terraform.lock.hcl` (docs/bootstrap.md,
 * "Provider locking").
 */
export const SOPS_PROVIDER_VERSION = "1.4.1";

export class SopsProvider extends TerraformProvider {
  public static readonly tfResourceType = "sops";

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: "sops",
      terraformGeneratorMetadata: { providerName: "sops", providerVersionConstraint: SOPS_PROVIDER_VERSION },
      terraformProviderSource: SOPS_PROVIDER_SOURCE,
    });
  }
}

/** `input_type` of the sops provider. */
export type SopsInputType = "json" | "yaml" | "dotenv" | "ini" | "raw";

export interface SopsFileConfig extends TerraformMetaArguments {
  /** Path of the encrypted file, resolved by Terraform from its working directory. */
  readonly sourceFile: string;
  /** @default - guessed by the provider from the file extension */
  readonly inputType?: SopsInputType;
}

/** `data "sops_file"`: decrypts at plan time; its values are stored in the Terraform state. */
export class SopsFileDataSource extends TerraformDataSource {
  public static readonly tfResourceType = "sops_file";

  public readonly sourceFile: string;
  public readonly inputType?: SopsInputType;

  constructor(scope: Construct, id: string, config: SopsFileConfig) {
    super(scope, id, {
      terraformResourceType: "sops_file",
      terraformGeneratorMetadata: { providerName: "sops" },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach,
    });
    this.sourceFile = config.sourceFile;
    this.inputType = config.inputType;
  }

  /** The decrypted file as text (sensitive). */
  public get raw(): string {
    return this.getStringAttribute("raw");
  }

  /** The decrypted values as a flat map of strings (nested keys joined with "."; sensitive). */
  public get data(): IResolvable {
    return this.interpolationForAttribute("data");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      source_file: stringToTerraform(this.sourceFile),
      input_type: stringToTerraform(this.inputType),
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    const attrs = {
      source_file: {
        value: stringToHclTerraform(this.sourceFile),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      input_type: {
        value: stringToHclTerraform(this.inputType),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v.value !== undefined));
  }
}
