/**
 * The access report as a terminal table, Markdown, JSON and a self-contained HTML page (a secrets × keys
 * matrix). A report holds recipients, names and dates only, never a value, so none can be printed.
 */
import { printable } from "../cli/printable";
import {
  AccessReport,
  describeKey,
  holderKey,
  inSync,
  isExtra,
  KEY_TYPE_LABELS,
  KeyHolder,
  SecretAccess,
} from "./access-report";

/** One row per key that can decrypt a secret, plus one per key its rule names that cannot. */
interface Row {
  readonly secret: string;
  readonly groups: string;
  readonly key: string;
  readonly status: string;
  readonly dataKey: string;
}

const HEADERS: Row = {
  secret: "SECRET",
  groups: "GROUP",
  key: "KEY",
  status: "VS .SOPS.YAML",
  dataKey: "DATA KEY",
};

export function dataKeyText(s: SecretAccess): string {
  if (s.lastModified === undefined) return "unknown";
  const day = s.lastModified.slice(0, 10);
  return s.dataKeyAgeDays === undefined ? day : `${day} (${s.dataKeyAgeDays} d)`;
}

/** Where the file stands against its rule, from the one comparison SS005 makes (SS005's message included). */
export function syncText(s: SecretAccess): string {
  switch (s.sync) {
    case "unreadable":
      return `unreadable: ${s.problem ?? "see `npm run check`"}`;
    case "no-rule":
      return "no .sops.yaml creation rule matches (SS004)";
    case "no-keys":
      return "its sops metadata names no key (SS003)";
    case "in-sync":
      return `in sync with ${s.creationRule}${ruleNeedsText(s)}`;
  }
  const parts: string[] = [];
  if (s.sync === "less-protected") parts.push("LESS PROTECTED");
  if (s.missing.length > 0) parts.push(`${s.missing.length} missing`);
  if (s.extra.length > 0) parts.push(`${s.extra.length} extra`);
  if (parts.length === 0) parts.push("grouped differently");
  return `${parts.join(", ")} vs ${s.creationRule}${ruleNeedsText(s)}: run \`npm run rekey\` (SS005: ${s.finding?.message})`;
}

/** " (2 key groups, 2 needed)" for a rule with several key groups, else "". */
function ruleNeedsText(s: SecretAccess): string {
  const groups = s.ruleKeyGroups?.length ?? 0;
  return groups > 1 ? ` (${groups} key groups, ${s.ruleThreshold} needed)` : "";
}

/** A key's status: ok, extra, or in another group than the rule puts it. */
function keyStatus(s: SecretAccess, k: KeyHolder, group: number): string {
  if (s.creationRule === undefined) return "no rule";
  if (isExtra(s, k)) return "EXTRA: not in rule";
  const ruleGroup = (s.ruleKeyGroups ?? []).findIndex((g) => g.some((r) => holderKey(r) === holderKey(k)));
  return ruleGroup >= 0 && ruleGroup !== group ? `REGROUP: rule has it in group ${ruleGroup + 1}` : "ok";
}

function readersText(readers: readonly string[]): string {
  return readers.length === 0 ? "none configured" : readers.join(", ");
}

function rows(s: SecretAccess): Row[] {
  const out: Row[] = [];
  const first = (): Partial<Row> => (out.length === 0 ? {} : { secret: "", dataKey: "" });
  const groupCount = s.keyGroups.length;
  s.keyGroups.forEach((group, g) => {
    for (const k of group) {
      out.push({
        secret: s.name,
        groups: groupCount > 1 ? `${g + 1} of ${groupCount} (need ${s.threshold})` : "1",
        key: describeKey(k),
        status: keyStatus(s, k, g),
        dataKey: dataKeyText(s),
        ...first(),
      });
    }
  });
  for (const k of s.missing)
    out.push({
      secret: s.name,
      groups: "-",
      key: describeKey(k),
      status: "MISSING: rule names it",
      dataKey: dataKeyText(s),
      ...first(),
    });
  if (out.length === 0)
    out.push({ secret: s.name, groups: "-", key: "-", status: syncText(s), dataKey: dataKeyText(s) });
  return out;
}

const COLUMNS: readonly (keyof Row)[] = ["secret", "groups", "key", "status", "dataKey"];

export function renderAccessText(report: AccessReport): string {
  const lines: string[] = [];
  for (const env of report.environments) {
    lines.push(
      `${printable(env.name)}: ${env.secrets.length} secret file${env.secrets.length === 1 ? "" : "s"}; ` +
        `Secrets Manager readers: ${printable(readersText(env.readers))}`,
    );
    if (env.secrets.length === 0) {
      lines.push("  (no secret file: no stack)", "");
      continue;
    }
    const table = [HEADERS, ...env.secrets.flatMap(rows)].map((r) => COLUMNS.map((c) => printable(r[c])));
    const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i].length)));
    for (const r of table)
      lines.push(
        "  " +
          r
            .map((cell, i) => cell.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
      );
    for (const s of env.secrets)
      if (!inSync(s)) lines.push(`  ! ${printable(s.file)}: ${printable(syncText(s))}`);
    for (const s of env.secrets)
      if (s.readers.join() !== env.readers.join())
        lines.push(`  ${printable(s.name)}: Secrets Manager readers: ${printable(readersText(s.readers))}`);
    lines.push("");
  }
  lines.push(summaryLine(report));
  return lines.join("\n") + "\n";
}

export function summaryLine(report: AccessReport): string {
  const secrets = report.environments.flatMap((e) => e.secrets);
  const off = secrets.filter((s) => !inSync(s)).length;
  return (
    `${secrets.length} secret file${secrets.length === 1 ? "" : "s"} in ${report.environments.length} ` +
    `environment${report.environments.length === 1 ? "" : "s"}, ${report.keys.length} distinct key` +
    `${report.keys.length === 1 ? "" : "s"}; ${off === 0 ? "all in sync with .sops.yaml" : `${off} not in sync with .sops.yaml`}` +
    ` (ages as of ${report.now})`
  );
}

/** Markdown cell text: no line breaks, `|` escaped, HTML neutralised, names escaped. */
function md(text: string): string {
  return printable(text).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderAccessMarkdown(report: AccessReport): string {
  const out: string[] = ["## Who can decrypt what", ""];
  for (const env of report.environments) {
    out.push(`### ${md(env.name)}`, "", `Secrets Manager readers: ${md(readersText(env.readers))}`, "");
    out.push("| secret | group | key | vs .sops.yaml | data key |", "| --- | --- | --- | --- | --- |");
    for (const s of env.secrets)
      for (const r of rows(s))
        out.push(
          `| ${COLUMNS.map((c) => (c === "key" && r.key !== "-" ? `\`${md(r[c])}\`` : md(r[c]))).join(" | ")} |`,
        );
    const off = env.secrets.filter((s) => !inSync(s));
    if (off.length > 0) {
      out.push("");
      for (const s of off) out.push(`- \`${md(s.file)}\`: ${md(syncText(s))}`);
    }
    const own = env.secrets.filter((s) => s.readers.join() !== env.readers.join());
    if (own.length > 0) {
      out.push("");
      for (const s of own)
        out.push(`- \`${md(s.name)}\`: Secrets Manager readers: ${md(readersText(s.readers))}`);
    }
    out.push("");
  }
  out.push(`_${md(summaryLine(report))}_`);
  return out.join("\n") + "\n";
}

export function renderAccessJson(report: AccessReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

function html(text: string): string {
  return printable(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A self-contained page (inline CSS, no script, no external resource): one row per secret file, one column
 * per key (every key of every file and every key a rule names), each cell saying whether that key can decrypt
 * the file (and in which key group), is missing, or is extra.
 */
export function renderAccessHtml(report: AccessReport): string {
  const columns = new Map<string, KeyHolder>();
  for (const k of report.keys) columns.set(holderKey(k), k);
  for (const env of report.environments)
    for (const s of env.secrets)
      for (const k of s.missing) if (!columns.has(holderKey(k))) columns.set(holderKey(k), { ...k });
  const keys = [...columns.values()];
  const head = keys
    .map(
      (k, i) =>
        `<th class="key" id="key-${i + 1}" scope="col"><span class="type">${html(KEY_TYPE_LABELS[k.type])}</span>` +
        `<code>${html(k.id)}</code>${k.role !== undefined ? `<span class="role">role ${html(k.role)}</span>` : ""}</th>`,
    )
    .join("");
  const body: string[] = [];
  for (const env of report.environments) {
    if (env.secrets.length === 0) continue;
    body.push(
      `<tr class="env"><th colspan="${keys.length + 4}" scope="rowgroup">${html(env.name)} ` +
        `<span class="readers">Secrets Manager readers: ${html(readersText(env.readers))}</span></th></tr>`,
    );
    for (const s of env.secrets) {
      const cells = keys.map((k) => {
        const group = s.keyGroups.findIndex((g) => g.some((h) => holderKey(h) === holderKey(k)));
        if (group >= 0) {
          const label = s.keyGroups.length > 1 ? `group ${group + 1}` : "yes";
          return isExtra(s, k)
            ? `<td class="extra" title="can decrypt, not in the rule">extra (${label})</td>`
            : `<td class="yes">${label}</td>`;
        }
        if (s.missing.some((m) => holderKey(m) === holderKey(k)))
          return `<td class="missing" title="named by the rule, cannot decrypt">missing</td>`;
        return `<td class="no"></td>`;
      });
      const threshold = s.keyGroups.length > 1 ? `${s.threshold} of ${s.keyGroups.length} groups` : "any key";
      body.push(
        `<tr class="secret${inSync(s) ? "" : " off"}"><th scope="row"><code>${html(s.name)}</code>` +
          `<span class="file">${html(s.file)}</span>` +
          // A secret whose `secrets` entry gives it other readers than its environment's says so.
          (s.readers.join() !== env.readers.join()
            ? `<span class="readers">Secrets Manager readers: ${html(readersText(s.readers))}</span>`
            : "") +
          `</th>${cells.join("")}` +
          `<td class="threshold">${html(threshold)}</td><td class="age">${html(dataKeyText(s))}</td>` +
          `<td class="sync">${html(syncText(s))}</td></tr>`,
      );
    }
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Who can decrypt what</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #c8c8c8; padding: 4px 8px; text-align: left; vertical-align: top; }
th.key { max-width: 16em; word-break: break-all; font-weight: normal; background: #f3f3f3; }
th.key .type, th.key .role, th .file, .readers { display: block; font-size: 0.85em; color: #555; }
th.key .type { font-weight: bold; color: #1b1b1b; }
tr.env th { background: #e4ecf7; font-size: 1.05em; }
td.yes { background: #d9f2d9; text-align: center; }
td.extra { background: #ffd7d7; text-align: center; font-weight: bold; }
td.missing { background: #ffefc2; text-align: center; font-weight: bold; }
tr.off td.sync { color: #a00000; font-weight: bold; }
code { font-size: 0.92em; }
</style>
</head>
<body>
<h1>Who can decrypt what</h1>
<p>${html(summaryLine(report))}. Read from the sops metadata only: nothing was decrypted.</p>
<table id="access-matrix">
<thead><tr><th scope="col">secret</th>${head}<th scope="col">needs</th><th scope="col">data key</th><th scope="col">vs .sops.yaml</th></tr></thead>
<tbody>
${body.join("\n")}
</tbody>
</table>
</body>
</html>
`;
}
