/**
 * cdktf 0.21 adds a synth-time validation to a cloud backend (Terraform ≥ 1.1) and to every resource given
 * `importFrom` (Terraform ≥ 1.5) that runs `terraform version` on the machine that synthesizes: once per
 * construct, and synth fails where no terraform is installed. The machine that synthesizes is not the one that
 * plans (HCP Terraform runs remotely; CI may synthesize in another job), and Terraform itself refuses a `cloud`
 * or `import` block it does not know. So `dropLocalTerraformCheck` removes exactly those validations.
 */
import { IConstruct } from "constructs";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";

/** Removes cdktf's `terraform version` checks from `construct` (its other validations stay). */
export function dropLocalTerraformCheck(construct: IConstruct): void {
  // constructs 10 keeps a node's validations in this private array (no public API removes one).
  const node = construct.node as unknown as { _validations?: unknown[] };
  if (!node._validations) return;
  const kept = node._validations.filter((v) => !(v instanceof ValidateTerraformVersion));
  node._validations.splice(0, node._validations.length, ...kept);
}
