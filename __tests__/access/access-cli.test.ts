/**
 * `npm run access` on real sops output (../shared/fixtures/sops, copied into a temp repo at test time only)
 * and on sops-shaped repositories: recipients, groups, data key age, readers, drift from .sops.yaml.
 */
import * as fs from "fs";
import * as path from "path";
import { runAccessCli } from "../../src/access/access-cli";
import { AccessReport } from "../../src/access/access-report";
import { parse as parseYaml } from "yaml";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

const FIXTURES = path.resolve(__dirname, "../../../shared/fixtures/sops");
const HAVE_FIXTURES = fs.existsSync(FIXTURES);
if (!HAVE_FIXTURES) console.warn(`access: ${FIXTURES} not found: the real-sops-fixture tests are SKIPPED`);
const fixture = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), "utf8");

const NOW = "2026-12-01T00:00:00Z";
const KMS_US = "arn:aws:kms:us-east-1:656532927350:key/920aff2e-c5f1-4040-943a-047fa387b27e";
const KMS_AP = "arn:aws:kms:ap-southeast-1:656532927350:key/9006a8aa-0fa6-4c14-930e-a2dfb916de1d";
const PGP_2016 = ["1022470DE3F0BC54BC6AB62DE05550BC07FB1A0A", "85D77543B3D624B63CEA9E6DBC17301B491B3F21"];
const AGE = [
  "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr",
  "age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd",
  "age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2",
];
const LEAVER_AGE = "age1leaverxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

afterAll(removeTempRepos);

function json(
  root: string,
  extra: string[] = [],
): { report: AccessReport; exitCode: number; stderr: string } {
  const r = runAccessCli(["--json", "--now", NOW, ...extra], root);
  return { report: JSON.parse(r.stdout) as AccessReport, exitCode: r.exitCode, stderr: r.stderr };
}

(HAVE_FIXTURES ? describe : describe.skip)("real sops files", () => {
  function fixtureRepo(): string {
    return makeTempRepo(
      {
        "secrets/legacy/example.enc.json": fixture("kms/getsops-example-2016-v1.6.json"),
        "secrets/team/secret.enc.json": fixture("age/sops-age-secret.enc.json"),
        "secrets/team/pgp.enc.yaml": fixture("pgp/getsops-example.yaml"),
      },
      {
        sopsYaml: [
          // the rule no longer names the second PGP key (someone left): that file is "extra"
          { path_regex: "^secrets/legacy/", kms: [KMS_US, KMS_AP], pgp: PGP_2016[0] },
          {
            path_regex: "^secrets/team/.*\\.json$",
            age: [...AGE.slice(0, 2), LEAVER_AGE.replace("leaver", "newbie")],
          },
          {
            path_regex: "^secrets/team/",
            pgp: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4,D7229043384BCC60326C6FB9D8720D957C3D3074",
          },
        ],
      },
    );
  }

  test("every recipient by type, one key group, lastmodified and its age, drift from the rules", () => {
    const { report, exitCode } = json(fixtureRepo());
    expect(exitCode).toBe(1);
    expect(report.now).toBe(NOW);
    expect(report.environments.map((e) => e.name)).toEqual(["legacy", "team"]);
    const [legacy] = report.environments[0].secrets;
    expect(legacy).toEqual({
      environment: "legacy",
      file: "secrets/legacy/example.enc.json",
      name: "example",
      secretName: "legacy/example",
      readers: [],
      creationRule: ".sops.yaml creation rule #1 (line 2)",
      ruleKeyGroups: [
        [
          { type: "kms", id: KMS_US },
          { type: "kms", id: KMS_AP },
          { type: "pgp", id: PGP_2016[0] },
        ],
      ],
      ruleThreshold: 1,
      sync: "out-of-sync",
      // SS005's finding, word for word (the same comparison)
      finding: {
        message: `is encrypted for pgp ${PGP_2016[1]}, which .sops.yaml creation rule #1 (line 2) does not name`,
        fix:
          "run `sops updatekeys secrets/legacy/example.enc.json` to re-encrypt the data key for exactly the " +
          "rule's keys and groups, then rotate the values if a removed key's holder should no longer read them",
      },
      keyGroups: [
        [
          { type: "kms", id: KMS_US },
          { type: "kms", id: KMS_AP },
          { type: "pgp", id: PGP_2016[0] },
          { type: "pgp", id: PGP_2016[1] },
        ],
      ],
      threshold: 1,
      lastModified: "2016-02-03T18:46:24Z",
      dataKeyAgeDays: 3953,
      missing: [],
      extra: [{ type: "pgp", id: PGP_2016[1] }],
    });
    const [pgp, age] = report.environments[1].secrets;
    expect(pgp.name).toBe("pgp");
    expect(pgp.keyGroups).toEqual([
      [
        { type: "pgp", id: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4" },
        { type: "pgp", id: "D7229043384BCC60326C6FB9D8720D957C3D3074" },
      ],
    ]);
    expect([pgp.lastModified, pgp.dataKeyAgeDays, pgp.missing, pgp.extra]).toEqual([
      "2025-08-06T18:55:05Z",
      481,
      [],
      [],
    ]);
    expect(age.keyGroups[0].map((k) => k.id)).toEqual(AGE);
    expect(age.missing).toEqual([{ type: "age", id: LEAVER_AGE.replace("leaver", "newbie") }]);
    expect(age.extra).toEqual([{ type: "age", id: AGE[2] }]);
    expect(report.keys.map((k) => k.type)).toEqual([
      "kms",
      "kms",
      "age",
      "age",
      "age",
      "pgp",
      "pgp",
      "pgp",
      "pgp",
    ]);
  });

  test("the table, Markdown and HTML name every key and never a value; output is deterministic", () => {
    const root = fixtureRepo();
    const plain = JSON.parse(fixture("age/sops-age-secret.plain.json")) as Record<string, unknown>;
    const text = runAccessCli(["--now", NOW], root);
    const markdown = runAccessCli(["--markdown", "--now", NOW], root);
    const html = runAccessCli(["--html", "access.html", "--now", NOW], root);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain("EXTRA: not in rule");
    expect(text.stdout).toContain("MISSING: rule names it");
    expect(text.stdout).toMatch(
      /^ {2}example +1 +AWS KMS arn:aws:kms:us-east-1:656532927350:.* ok +2016-02-03 \(3953 d\)$/m,
    );
    expect(text.stdout).toContain(
      "! secrets/team/secret.enc.json: 1 missing, 1 extra vs .sops.yaml creation rule #2",
    );
    expect(markdown.stdout).toContain(`|  | 1 | \`PGP ${PGP_2016[1]}\` | EXTRA: not in rule |  |`);
    const page = fs.readFileSync(path.join(root, "access.html"), "utf8");
    expect(html.stderr).toBe("access: wrote access.html\n");
    for (const out of [text.stdout, markdown.stdout, page]) {
      for (const k of [KMS_US, KMS_AP, ...PGP_2016, ...AGE]) expect(out).toContain(k);
      expect(out).not.toContain("ENC[");
      for (const v of ["this is a secret", "gotta match go", String(plain.string)])
        expect(out).not.toContain(v);
    }
    expect(runAccessCli(["--now", NOW], root).stdout).toBe(text.stdout);
  });
});

(HAVE_FIXTURES ? test : test.skip)(
  "every real sops fixture: its recipients exactly, in one group, nothing decrypted",
  () => {
    const files: Record<string, string> = {};
    const expected = new Map<string, string[]>();
    for (const dir of ["age", "kms", "pgp"])
      for (const f of fs.readdirSync(path.join(FIXTURES, dir)).filter((n) => !n.includes(".plain."))) {
        const text = fixture(`${dir}/${f}`);
        const ext = f.endsWith(".json") ? "json" : "yaml";
        const rel = `secrets/fixtures/${dir}-${f.replace(/\.(json|yaml)$/, "").replace(/[^a-z0-9-]/gi, "-")}.enc.${ext}`;
        files[rel] = text;
        // Independently of the code under test: the identities as the fixture's metadata writes them.
        const sops = (
          parseYaml(text) as {
            sops: Record<string, { arn?: string; recipient?: string; fp?: string }[] | null>;
          }
        ).sops;
        expected.set(rel, [
          ...(sops.kms ?? []).map((k) => `kms ${k.arn}`),
          ...(sops.age ?? []).map((k) => `age ${k.recipient}`),
          ...(sops.pgp ?? []).map((k) => `pgp ${k.fp}`),
        ]);
      }
    expect(expected.size).toBe(16);
    const r = runAccessCli(["--json", "--now", NOW], makeTempRepo(files, { sopsYaml: [] }));
    const secrets = (JSON.parse(r.stdout) as AccessReport).environments[0].secrets;
    expect(secrets.map((s) => s.file).sort()).toEqual([...expected.keys()].sort());
    for (const s of secrets) {
      expect(s.problem).toBeUndefined();
      expect(s.keyGroups).toHaveLength(1);
      expect(s.keyGroups[0].map((k) => `${k.type} ${k.id}`).sort()).toEqual(expected.get(s.file)!.sort());
      expect(s.lastModified).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    expect(r.stdout).not.toContain("ENC[");
    expect(r.stdout).not.toContain("BEGIN PGP MESSAGE");
    expect(r.stdout).not.toMatch(/AGE-SECRET-KEY|-----BEGIN AGE ENCRYPTED FILE/);
  },
);

describe("sops-shaped repositories", () => {
  const ARN = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000";
  const file = (lastModified: string) =>
    sopsShapedContent({ password: "hunter2" }, { format: "json", lastModified });

  test("readers from context and per environment, without failing the configuration", () => {
    const root = makeTempRepo(
      {
        "secrets/dev/db.enc.json": file("2026-11-30T12:00:00Z"),
        "secrets/prod/db.enc.json": file("2025-01-01T00:00:00Z"),
        "secrets/empty/": "",
      },
      {
        context: {
          readers: ["arn:aws:iam::111122223333:role/app"],
          environments: {
            prod: {
              readers: ["arn:aws:iam::444455556666:role/prod-app"],
              recoveryWindowInDays: 7,
              secrets: { db: { readers: ["444455556666"] } },
            },
          },
        },
      },
    );
    const { report, exitCode } = json(root);
    expect(exitCode).toBe(0);
    expect(report.environments.map((e) => [e.name, e.readers, e.secrets.length])).toEqual([
      ["dev", ["arn:aws:iam::111122223333:role/app"], 1],
      ["empty", ["arn:aws:iam::111122223333:role/app"], 0],
      ["prod", ["arn:aws:iam::444455556666:role/prod-app"], 1],
    ]);
    expect(report.environments[0].secrets[0]).toMatchObject({
      dataKeyAgeDays: 0,
      keyGroups: [[{ type: "kms", id: ARN }]],
    });
    expect(report.environments[2].secrets[0].dataKeyAgeDays).toBe(699);
    // Per secret: the configuration's resolved readers (the `secrets` entry replaces the environment's).
    expect(report.environments.map((e) => e.secrets.map((s) => s.readers))).toEqual([
      [["arn:aws:iam::111122223333:role/app"]],
      [],
      [["arn:aws:iam::444455556666:root"]],
    ]);
    expect(runAccessCli(["--now", NOW], root).stdout).toContain(
      "  db: Secrets Manager readers: arn:aws:iam::444455556666:root\n",
    );
    expect(runAccessCli(["--now", NOW, "--markdown"], root).stdout).toContain(
      "- `db`: Secrets Manager readers: arn:aws:iam::444455556666:root\n",
    );
    expect(runAccessCli(["--now", NOW], root).stdout).toContain(
      "empty: 0 secret files; Secrets Manager readers: arn:aws:iam::111122223333:role/app\n  (no secret file: no stack)\n",
    );
    // The HTML matrix: the environment's readers on its row group, a secret's own readers on its row.
    const pageFile = path.join(root, "access.html");
    expect(runAccessCli(["--now", NOW, "--html", pageFile], root).exitCode).toBe(0);
    const page = fs.readFileSync(pageFile, "utf8");
    const prodRows = page.slice(page.indexOf(">prod "), page.indexOf("</tbody>"));
    expect(prodRows).toContain(
      '<span class="readers">Secrets Manager readers: arn:aws:iam::444455556666:role/prod-app</span>',
    );
    expect(prodRows).toMatch(
      /<code>db<\/code><span class="file">[^<]*<\/span><span class="readers">Secrets Manager readers: arn:aws:iam::444455556666:root<\/span><\/th>/,
    );
    const devRows = page.slice(page.indexOf(">dev "), page.indexOf(">empty "));
    expect(devRows).toMatch(/<code>db<\/code><span class="file">[^<]*<\/span><\/th>/);
    expect(runAccessCli(["--now", NOW], root).stdout).toContain(
      "Secrets Manager readers: arn:aws:iam::444455556666:role/prod-app",
    );
  });

  test("no readers: 'none configured'; no rule: SS004 and exit 1", () => {
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": file("2026-11-30T12:00:00Z") },
      { sopsYaml: [{ path_regex: "^secrets/prod/", kms: ARN }] },
    );
    const r = runAccessCli(["--now", NOW], root);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("dev: 1 secret file; Secrets Manager readers: none configured");
    expect(r.stdout).toContain("! secrets/dev/db.enc.json: no .sops.yaml creation rule matches (SS004)");
  });

  test("a plaintext file is reported, not read", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": '{"password":"hunter2"}' });
    const r = runAccessCli(["--json", "--now", NOW], root);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toContain("hunter2");
    expect((JSON.parse(r.stdout) as AccessReport).environments[0].secrets[0].problem).toBe(
      "has no sops metadata: it is not encrypted (SS001)",
    );
  });

  test("configuration errors exit 2 naming the key; usage errors exit 2; --help exits 0", () => {
    const bad = makeTempRepo({}, { context: { region: "mars" } });
    const r = runAccessCli([], bad);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("context.region");
    const root = makeTempRepo({ "secrets/dev/db.enc.json": file("2026-11-30T12:00:00Z") });
    expect(runAccessCli(["--json", "--markdown"], root)).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(
        /^access: --markdown and --json exclude each other\n\nUsage: npm run access/,
      ),
    });
    expect(runAccessCli(["--now", "yesterday"], root).exitCode).toBe(2);
    expect(runAccessCli(["--html"], root).stderr).toMatch(/^access: --html needs a value/);
    expect(runAccessCli(["--frobnicate"], root).stderr).toMatch(/^access: unknown argument "--frobnicate"/);
    expect(runAccessCli(["extra"], root).stderr).toMatch(/^access: unexpected argument "extra"/);
    expect(runAccessCli(["-h"], root)).toMatchObject({
      exitCode: 0,
      stdout: expect.stringMatching(/^Usage: npm run access/),
    });
  });

  test("--html into a folder that does not exist: exit 2, nothing written", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": file("2026-11-30T12:00:00Z") });
    const r = runAccessCli(["--html", "no/such/dir/a.html"], root);
    expect(r).toMatchObject({ exitCode: 2, stdout: "" });
    expect(r.stderr).toMatch(/^access: cannot write no\/such\/dir\/a.html \(ENOENT\); nothing was written/);
  });
});
