/**
 * Writes SOPS-SHAPED files: they look like sops output (ENC[AES256_GCM,...] values, a `sops` metadata block)
 * but the "ciphertext" is random bytes of the plaintext's length. Nobody can decrypt them, and they are NOT
 * real sops output: tests that need real files read ../shared/fixtures/sops instead.
 *
 * Used by the tests, by the benchmark's synthetic repositories, and to make the shipped example secrets.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stringify as yamlStringify } from "yaml";

export type ShapedFormat = "json" | "yaml" | "dotenv";

export interface SopsShapedOptions {
  readonly format: ShapedFormat;
  /** @default - one placeholder KMS key */
  readonly kmsArns?: readonly string[];
  /** @default [] */
  readonly ageRecipients?: readonly string[];
  /** @default [] */
  readonly pgpFingerprints?: readonly string[];
  /** @default "2026-01-01T00:00:00Z" */
  readonly lastModified?: string;
  /** sops's default is "_unencrypted"; set undefined with `encryptedRegex` to mimic sops's rule choice. */
  readonly unencryptedSuffix?: string;
  readonly encryptedRegex?: string;
  /** Metadata fields to leave out (to make broken files). */
  readonly omit?: readonly ("mac" | "lastmodified" | "version" | "recipients" | "sops")[];
  /** Leaf key names to leave in plaintext although the rules say encrypt (to make partially encrypted files). */
  readonly leavePlain?: readonly string[];
  /** Seed for the random bytes, so the same call writes the same bytes. @default "sops-shaped" */
  readonly seed?: string;
}

export const PLACEHOLDER_KMS_ARN =
  "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000";

/** Deterministic random bytes (SHA-256 in counter mode): reproducible files, no crypto claims. */
export class ShapedRandom {
  private counter = 0;
  constructor(private readonly seed: string) {}
  bytes(n: number): Buffer {
    const out: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const block = crypto.createHash("sha256").update(`${this.seed}:${this.counter++}`).digest();
      out.push(block);
      have += block.length;
    }
    return Buffer.concat(out).subarray(0, n);
  }
}

/** An ENC[...] string for a plaintext of `length` bytes. */
export function shapedCiphertext(
  rng: ShapedRandom,
  length: number,
  type: "str" | "int" | "float" | "bool" = "str",
): string {
  const b64 = (n: number) => rng.bytes(n).toString("base64");
  return `ENC[AES256_GCM,data:${length > 0 ? b64(length) : ""},iv:${b64(32)},tag:${b64(16)},type:${type}]`;
}

/** The content of a sops-shaped file whose plaintext would be `values`. */
export function sopsShapedContent(values: Record<string, unknown>, options: SopsShapedOptions): string {
  const rng = new ShapedRandom(options.seed ?? "sops-shaped");
  const suffix =
    "unencryptedSuffix" in options
      ? options.unencryptedSuffix
      : options.encryptedRegex
        ? undefined
        : "_unencrypted";
  const regex = options.encryptedRegex ? new RegExp(options.encryptedRegex) : undefined;
  const leavePlain = new Set(options.leavePlain ?? []);

  type Mode = "encrypt" | "plain" | "undecided";
  const walk = (value: unknown, key: string, inherited: Mode): unknown => {
    let mode = inherited;
    if (mode !== "plain" && ((suffix !== undefined && key.endsWith(suffix)) || leavePlain.has(key)))
      mode = "plain";
    if (mode === "undecided" && regex?.test(key)) mode = "encrypt";
    if (Array.isArray(value)) return value.map((v) => walk(v, key, mode));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k, mode)]));
    }
    if (mode !== "encrypt" || value === null || value === "") return value;
    const type =
      typeof value === "boolean"
        ? "bool"
        : typeof value === "number"
          ? Number.isInteger(value)
            ? "int"
            : "float"
          : "str";
    return shapedCiphertext(
      rng,
      Buffer.byteLength(value === true ? "True" : value === false ? "False" : String(value)),
      type,
    );
  };
  const data = walk(values, "", regex ? "undecided" : "encrypt") as Record<string, unknown>;

  const omit = new Set(options.omit ?? []);
  const sops: Record<string, unknown> = {};
  if (!omit.has("recipients")) {
    const kms =
      options.kmsArns ?? (options.ageRecipients || options.pgpFingerprints ? [] : [PLACEHOLDER_KMS_ARN]);
    const created = options.lastModified ?? "2026-01-01T00:00:00Z";
    if (kms.length)
      sops.kms = kms.map((arn) => ({
        arn,
        created_at: created,
        enc: rng.bytes(120).toString("base64"),
        aws_profile: "",
      }));
    if (options.ageRecipients?.length)
      sops.age = options.ageRecipients.map((recipient) => ({
        recipient,
        enc: `-----BEGIN AGE ENCRYPTED FILE-----\n${rng.bytes(180).toString("base64")}\n-----END AGE ENCRYPTED FILE-----\n`,
      }));
    if (options.pgpFingerprints?.length)
      sops.pgp = options.pgpFingerprints.map((fp) => ({
        created_at: created,
        enc: `-----BEGIN PGP MESSAGE-----\n\n${rng.bytes(300).toString("base64")}\n-----END PGP MESSAGE-----\n`,
        fp,
      }));
  }
  if (!omit.has("lastmodified")) sops.lastmodified = options.lastModified ?? "2026-01-01T00:00:00Z";
  if (!omit.has("mac")) sops.mac = shapedCiphertext(rng, 64);
  if (suffix !== undefined) sops.unencrypted_suffix = suffix;
  if (options.encryptedRegex) sops.encrypted_regex = options.encryptedRegex;
  if (!omit.has("version")) sops.version = "3.9.4";
  const withMeta = omit.has("sops") ? data : { ...data, sops };

  switch (options.format) {
    case "json":
      return JSON.stringify(withMeta, null, "\t") + "\n";
    case "yaml":
      return yamlStringify(withMeta, { lineWidth: 0 });
    case "dotenv":
      return dotenvContent(data, omit.has("sops") ? undefined : sops);
  }
}

function dotenvContent(data: Record<string, unknown>, sops: Record<string, unknown> | undefined): string {
  const lines = Object.entries(data).map(([k, v]) => `${k}=${String(v).replace(/\n/g, "\\n")}`);
  if (sops) for (const [k, v] of flatten(sops, "sops_")) lines.push(`${k}=${v.replace(/\n/g, "\\n")}`);
  return lines.join("\n") + "\n";
}

/** sops's flatten.go: nested maps joined with `__map_`, list items with `__list_<i>`. */
function flatten(value: unknown, prefix: string): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${prefix}__list_${i}`));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) =>
      flatten(v, prefix === "sops_" ? `${prefix}${k}` : `${prefix}__map_${k}`),
    );
  return [[prefix, String(value)]];
}

/** Writes a sops-shaped file, creating folders. */
export function writeSopsShapedFile(
  file: string,
  values: Record<string, unknown>,
  options: SopsShapedOptions,
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sopsShapedContent(values, options));
}
