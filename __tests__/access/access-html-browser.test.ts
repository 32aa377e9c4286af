/**
 * The HTML access page in a real headless browser (Debian's `chromium`): the DOM Chromium renders has the
 * matrix (one row per secret file, one column per key), and a screenshot is taken (kept in the test's temp
 * folder; ACCESS_SCREENSHOT=<file> copies it out for a look). Where /usr/bin/chromium does not exist, the
 * test is skipped and says so loudly.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runAccessCli } from "../../src/access/access-cli";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(
    `SKIPPED: the headless-browser check of the access page needs ${CHROMIUM} (Debian: apt-get install chromium); ` +
      "it was NOT run",
  );

afterAll(removeTempRepos);

const ARN = (n: number) =>
  `arn:aws:kms:us-east-1:11112222333${n}:key/0000000${n}-0000-0000-0000-000000000000`;

function chromium(userDataDir: string, ...args: string[]): string {
  return execFileSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${userDataDir}`,
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
  );
}

(HAVE_CHROMIUM ? test : test.skip)(
  `the matrix renders in headless Chromium${HAVE_CHROMIUM ? "" : ` (SKIPPED: no ${CHROMIUM})`}`,
  () => {
    const file = (kmsArns: string[], ageRecipients: string[] = []) =>
      sopsShapedContent(
        { password: "hunter2" },
        { format: "json", kmsArns, ageRecipients, lastModified: "2026-01-01T00:00:00Z" },
      );
    const root = makeTempRepo(
      {
        "secrets/dev/app.enc.json": file([ARN(1)]),
        "secrets/dev/db.enc.json": file([ARN(1)], ["age1leaver"]),
        "secrets/prod/app.enc.json": file([ARN(2)]),
      },
      {
        sopsYaml: [
          { path_regex: "^secrets/dev/", kms: ARN(1) },
          { path_regex: "^secrets/prod/", kms: [ARN(2), ARN(3)] },
        ],
      },
    );
    expect(runAccessCli(["--html", "access.html", "--now", "2026-12-01T00:00:00Z"], root).exitCode).toBe(1);
    const page = path.join(root, "access.html");
    const profile = path.join(root, ".chromium-profile");
    const png = path.join(root, "access.png");
    // One browser start for both (each start takes seconds on a loaded machine).
    const dom = chromium(
      profile,
      "--dump-dom",
      `--screenshot=${png}`,
      "--window-size=1400,700",
      `file://${page}`,
    );
    // 3 secret rows; 4 key columns (ARN 1, 2, 3 and the age key) + secret, needs, data key, vs .sops.yaml.
    const rows = [...dom.matchAll(/<tr class="secret[^"]*">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.match(/<td/g)).toHaveLength(7);
    expect(dom.match(/<th class="key"/g)).toHaveLength(4);
    expect(rows[1]).toContain('<td class="extra" title="can decrypt, not in the rule">extra (yes)</td>');
    expect(rows[2]).toContain('<td class="missing" title="named by the rule, cannot decrypt">missing</td>');
    expect(dom).not.toContain("hunter2");

    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1400, 700]);
    if (process.env.ACCESS_SCREENSHOT) fs.copyFileSync(png, process.env.ACCESS_SCREENSHOT);
  },
);
