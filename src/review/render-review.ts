/**
 * Renders a review as plain text (terminal) or Markdown (pull request comment). Both show key paths,
 * recipients and secret names only: a report holds no value, so none can be printed.
 */
import { printable } from "../cli/printable";
import { FORMAT_NAMES as FORMATS } from "../sops/parse-sops-file";
import { Recipient } from "../sops/sops-metadata";
import { describePlan, PlanCounts, PlanSummary } from "./plan-summary";
import { FileReview, ReviewReport, SecretSide } from "./review-changes";

/** Marks the PR comment so that CI can find and update it instead of adding a new one. */
export const REVIEW_COMMENT_MARKER = "<!-- sops-secrets-review -->";

export const RECIPIENTS_WARNING = "RECIPIENTS CHANGED: who can decrypt this file changes";
export const RECIPIENTS_OF_ADDED = "recipients (who can decrypt it):";
export const REENCRYPTED_NOTE = "all values re-encrypted (new data key): cannot tell which values changed";

function summary(report: ReviewReport): string {
  const n = report.files.length;
  if (n === 0) return "no secret file changed";
  const counts = (["added", "modified", "renamed", "deleted"] as const)
    .map((s) => [s, report.files.filter((f) => f.status === s).length] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`);
  return `${n} secret file${n === 1 ? "" : "s"} changed: ${counts.join(", ")}`;
}

function recovery(side: SecretSide, defaults: boolean): string {
  return `recovery window ${side.recoveryWindowInDays} days ${defaults ? "by default" : "from config"}`;
}

/** A finding about one file, in order of importance; each renderer formats the kinds its own way. */
type Finding =
  | { kind: "warning"; text: string; recipients?: { added: boolean; recipient: Recipient }[] }
  | { kind: "note" | "important"; text: string }
  | { kind: "recipients"; recipients: readonly Recipient[] }
  | { kind: "key"; change: "key added" | "key removed" | "value changed"; key: string; plaintext: boolean };

/** `c` formats a name taken from the repository (identity for text, a code span for Markdown). */
function findings(file: FileReview, defaults: boolean, c: (s: string) => string): Finding[] {
  const out: Finding[] = [];
  const { before, after, content } = file;
  if (file.newEnvironment && after)
    out.push({
      kind: "note",
      text: `new environment ${c(after.environment)}: CI deploys a new stack; it needs a GitHub environment and a role in AWS_DEPLOY_ROLES`,
    });
  if (file.status === "renamed" && before && after) {
    if (before.environment === after.environment && before.secretName === after.secretName)
      out.push({ kind: "note", text: "same secret name and Terraform address: the secret is kept" });
    else if (file.lastOfEnvironment) out.push(lastOfEnvironment(before, c));
    else
      out.push({
        kind: "important",
        text:
          `Terraform: secret ${c(before.secretName)} is scheduled for deletion (${recovery(before, defaults)}) ` +
          `and a new secret ${c(after.secretName)} is created (new ARN); whatever reads the old name must change`,
      });
  }
  if (file.status === "deleted" && before) {
    if (file.lastOfEnvironment) out.push(lastOfEnvironment(before, c));
    else if (before.recoveryWindowInDays === 0)
      out.push({
        kind: "important",
        text: `deleting this file deletes secret ${c(before.secretName)} at once, without recovery (${recovery(before, defaults)})`,
      });
    else
      out.push({
        kind: "important",
        text: `deleting this file schedules secret ${c(before.secretName)} for deletion (${recovery(before, defaults)})`,
      });
  }
  if (file.unparseable && after) {
    const line = file.unparseable.line !== undefined ? ` (line ${file.unparseable.line})` : "";
    const format = FORMATS[(file.unparseable.side === "base" ? before : after)?.inputType ?? after.inputType];
    out.push({
      kind: "warning",
      text: `cannot be parsed as ${format} in the ${file.unparseable.side}${line}: run npm run check`,
    });
  }
  if (!content) return out;
  if (content.newIsUnencrypted)
    out.push({ kind: "warning", text: "NOT ENCRYPTED: the file has no sops metadata; encrypt it with sops" });
  for (const key of content.becamePlaintext)
    out.push({
      kind: "warning",
      text: `PLAINTEXT: ${c(key)} was encrypted and is plaintext now (value not shown); re-encrypt it and rotate the secret`,
    });
  if (content.recipientsAdded.length > 0 || content.recipientsRemoved.length > 0)
    out.push({
      kind: "warning",
      text: RECIPIENTS_WARNING,
      recipients: [
        ...content.recipientsAdded.map((recipient) => ({ added: true, recipient })),
        ...content.recipientsRemoved.map((recipient) => ({ added: false, recipient })),
      ],
    });
  if (file.status === "added" && !content.newIsUnencrypted)
    out.push({ kind: "recipients", recipients: content.recipients });
  if (content.reencrypted) out.push({ kind: "note", text: REENCRYPTED_NOTE });
  const plain = new Set(content.plaintextKeys);
  const keys = (change: "key added" | "key removed" | "value changed", list: readonly string[]) =>
    list.forEach((key) => out.push({ kind: "key", change, key, plaintext: plain.has(key) }));
  keys("key added", content.keysAdded);
  keys("key removed", content.keysRemoved);
  keys("value changed", content.valuesChanged);
  if (
    file.status !== "added" &&
    !out.some((f) => f.kind === "key" || f.kind === "warning") &&
    !content.reencrypted
  )
    out.push({
      kind: "note",
      text: content.metadataOnly
        ? "only sops metadata changed (no key, value or recipient)"
        : "no key, value or recipient changed",
    });
  return out;
}

function lastOfEnvironment(before: SecretSide, c: (s: string) => string): Finding {
  return {
    kind: "warning",
    text:
      `last secret file of ${c(before.environment)}: its stack leaves the app and CI stops deploying it, so secret ` +
      `${c(before.secretName)} is NOT deleted; run ${c(`npx cdktf destroy ${before.environment}`)} first if it should go`,
  };
}

function headingText(file: FileReview): string {
  return file.status === "renamed" ? `${file.before!.path} → ${file.path}` : file.path;
}

/** "environment <env>, secret <name>" (with "old → new" where a rename changes them), each part formatted by `f`. */
function secretLine(file: FileReview, f: (s: string) => string = (s) => s): string {
  const { before, after } = file;
  if (
    before &&
    after &&
    (before.environment !== after.environment || before.secretName !== after.secretName)
  ) {
    const env =
      before.environment === after.environment
        ? f(before.environment)
        : `${f(before.environment)} → ${f(after.environment)}`;
    return `environment ${env}, secret ${f(before.secretName)} → ${f(after.secretName)}`;
  }
  const side = (after ?? before)!;
  return `environment ${f(side.environment)}, secret ${f(side.secretName)}`;
}

export function renderText(report: ReviewReport, plans?: readonly PlanSummary[]): string {
  const lines = [
    `Secret changes since ${report.base.ref} (${short(report.base.commit)}): ${summary(report)}`,
  ];
  if (report.configDefaults)
    lines.push(
      'note: cdktf.json could not be loaded; secret names use "{env}/{name}" and recovery windows 30 days (the defaults)',
    );
  for (const file of report.files) {
    lines.push("", `${file.status} ${headingText(file)}`, `  ${secretLine(file)}`);
    for (const f of findings(file, report.configDefaults, (x) => x)) {
      if (f.kind === "key") lines.push(`  ${f.change}: ${f.key}${f.plaintext ? " (plaintext)" : ""}`);
      else if (f.kind === "recipients") {
        lines.push(`  ${RECIPIENTS_OF_ADDED}${f.recipients.length === 0 ? " none" : ""}`);
        for (const r of f.recipients) lines.push(`    ${r.type} ${r.id}`);
      } else {
        lines.push(`  ${f.kind === "warning" ? "⚠ " : ""}${f.text}`);
        for (const r of f.kind === "warning" ? (f.recipients ?? []) : [])
          lines.push(`    ${r.added ? "+" : "-"} ${r.recipient.type} ${r.recipient.id}`);
      }
    }
  }
  if (plans !== undefined) {
    lines.push("", "Plans:");
    if (plans.length === 0) lines.push("  no plan ran");
    for (const p of plans) lines.push(`  ${p.environment}: ${describePlan(p)}`);
  }
  return lines.map(printable).join("\n") + "\n";
}

export function renderMarkdown(report: ReviewReport, plans?: readonly PlanSummary[]): string {
  const out = [
    REVIEW_COMMENT_MARKER,
    "## Secret changes",
    "",
    `Compared with ${code(report.base.ref)} (${code(short(report.base.commit))}): ${summary(report)}.`,
  ];
  if (report.configDefaults)
    out.push(
      "",
      "> [!NOTE]",
      "> cdktf.json could not be loaded: secret names use `{env}/{name}` and recovery windows 30 days (the defaults).",
    );
  for (const file of report.files) {
    const heading =
      file.status === "renamed" ? `${code(file.before!.path)} → ${code(file.path)}` : code(file.path);
    out.push("", `### ${file.status}: ${heading}`, "", capitalized(secretLine(file, (x) => code(x))));
    const keys: string[] = [];
    for (const f of findings(file, report.configDefaults, (x) => code(x))) {
      if (f.kind === "key") {
        keys.push(`- ${f.change}${f.plaintext ? " (plaintext)" : ""}: ${code(f.key)}`);
      } else if (f.kind === "recipients") {
        out.push("", `Recipients (who can decrypt it):${f.recipients.length === 0 ? " none" : ""}`);
        if (f.recipients.length > 0) out.push("");
        for (const r of f.recipients) out.push(`- ${r.type} ${code(r.id)}`);
      } else if (f.kind === "warning") {
        out.push("", "> [!WARNING]", `> **⚠ ${f.text}**`);
        for (const r of f.recipients ?? [])
          out.push(`> - ${r.added ? "added" : "removed"}: ${r.recipient.type} ${code(r.recipient.id)}`);
      } else if (f.kind === "important") out.push("", "> [!IMPORTANT]", `> ${f.text}`);
      else out.push("", f.text);
    }
    if (keys.length > 0) out.push("", ...keys);
  }
  if (plans !== undefined) out.push(...planSection(plans));
  return out.map(printable).join("\n") + "\n";
}

/** The plans of the pull request, one row per environment: counts only (from the plan jobs' summaries). */
function planSection(plans: readonly PlanSummary[]): string[] {
  const out = ["", "## Plans", ""];
  if (plans.length === 0)
    return [...out, "No plan ran (no environment, or the check failed before the plans)."];
  out.push(
    "| Environment | Plan | Import | Add | Change | Destroy |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  );
  for (const p of plans) {
    const c = p.outcome === "success" ? p.changes : undefined;
    const n = (k: keyof PlanCounts) => (c ? String(c[k]) : "–");
    const result = p.outcome === "success" ? describePlan(p) : `❌ ${describePlan(p)}`;
    out.push(
      `| ${code(p.environment, true)} | ${result} | ${n("import")} | ${n("add")} | ${n("change")} | ${n("destroy")} |`,
    );
  }
  return out;
}

/** Plan summaries alone, as the Markdown section of the comment (the plan jobs' job summaries). */
export function renderPlanSummaries(plans: readonly PlanSummary[]): string {
  return planSection(plans).slice(1).map(printable).join("\n") + "\n";
}

/** The review as JSON for tools: the same report the renderers use (key paths and names, never a value). */
export function renderJson(report: ReviewReport, plans?: readonly PlanSummary[]): string {
  return JSON.stringify({ ...report, ...(plans !== undefined && { plans }) }, null, 2) + "\n";
}

/**
 * A Markdown code span that holds ANY name from the repository as inert text: the fence is one backtick
 * longer than the longest run of backticks in the name, padded with a space when the name starts or ends
 * with a backtick or a space (GFM strips exactly one space on each side). Inside a code span `<`, `*`,
 * `_`, `[`, `@mentions` and `<!--` are literal. In a table cell (`inTable`) every `|` is escaped and the
 * backslashes just before it doubled, so the cell cannot be split. Line breaks never reach it: `printable`
 * replaces control characters in every rendered line.
 */
export function code(s: string, inTable = false): string {
  const text = inTable ? s.replace(/\\(?=\\*\|)/g, "\\\\").replace(/\|/g, "\\|") : s;
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text === "" || /^[`\s]|[`\s]$/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function short(commit: string): string {
  return commit.slice(0, 12);
}
