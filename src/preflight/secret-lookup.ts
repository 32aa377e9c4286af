/**
 * What the pre-flight asks AWS: does a secret of this name exist in this region, and if so its ARN, whether
 * it is scheduled for deletion, and its tags. One interface, so that the pre-flight's logic is a pure function
 * of the answers (preflight.ts) and the tests answer with a fake (aws-sdk-client-mock).
 */
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export interface ExistingSecret {
  readonly arn: string;
  /** Set when the secret is scheduled for deletion (its name stays taken until then). */
  readonly deletedDate?: Date;
  readonly tags: Readonly<Record<string, string>>;
}

export type LookupResult =
  | { readonly kind: "absent" }
  | { readonly kind: "found"; readonly secret: ExistingSecret }
  /** The call failed: `code` is the AWS error name (AccessDeniedException...) or the SDK's. */
  | { readonly kind: "error"; readonly code: string };

/** The error code for a name DescribeSecret resolved to another secret (see AwsSecretLookup). */
export const AMBIGUOUS_NAME = "NameMatchedAnotherSecret";

export interface SecretLookup {
  describe(region: string, name: string): Promise<LookupResult>;
}

/**
 * DescribeSecret with the default credential chain (environment, AWS_PROFILE, SSO, instance role...), one
 * client per region, the SDK's own retries (adaptive: it slows down when Secrets Manager throttles).
 */
export class AwsSecretLookup implements SecretLookup {
  private readonly clients = new Map<string, SecretsManagerClient>();

  public async describe(region: string, name: string): Promise<LookupResult> {
    try {
      const r = await this.client(region).send(new DescribeSecretCommand({ SecretId: name }));
      // A name that ends in "-" and 6 characters reads like a partial ARN: DescribeSecret may answer with the
      // secret whose name is the part before it. Then whether a secret of exactly this name exists is unknown.
      if (r.ARN === undefined) return { kind: "absent" };
      if (r.Name !== name) return { kind: "error", code: AMBIGUOUS_NAME };
      return {
        kind: "found",
        secret: {
          arn: r.ARN,
          ...(r.DeletedDate !== undefined && { deletedDate: r.DeletedDate }),
          tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
        },
      };
    } catch (e) {
      // The SDK's service exceptions and its own errors (CredentialsProviderError...) carry their name.
      const code = e instanceof Error && e.name ? e.name : "Error";
      return code === "ResourceNotFoundException" ? { kind: "absent" } : { kind: "error", code };
    }
  }

  public destroy(): void {
    for (const c of this.clients.values()) c.destroy();
  }

  private client(region: string): SecretsManagerClient {
    let c = this.clients.get(region);
    if (!c) {
      c = new SecretsManagerClient({ region, retryMode: "adaptive", maxAttempts: 8 });
      this.clients.set(region, c);
    }
    return c;
  }
}
