/**
 * SS014 old-data-key, on a fixed clock: a warning with the rotate command once `lastmodified` is more than
 * dataKeyMaxAgeDays (default 365) old; 0 turns it off.
 */
import * as fs from "fs";
import * as path from "path";
import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { formatDiagnostic } from "../../src/diagnostics";
import { findRule } from "../../src/rules";
import { checkClock, makeDataKeyAge } from "../../src/rules/data-key-age";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const NOW = new Date("2026-12-01T00:00:00Z");
const rule = makeDataKeyAge(() => NOW);
const file = (lastModified: string) => sopsShapedContent({ password: "x" }, { format: "json", lastModified });

function run(root: string) {
  return analyzeRepo(root, { rules: [rule] }).diagnostics.filter((d) => d.ruleId === "SS014");
}

test("warns past the default 365 days, with the rotate command; exactly 365 days is not yet old", () => {
  const root = makeTempRepo({
    "secrets/prod/old.enc.json": file("2025-11-30T23:59:59Z"), // 366 days
    "secrets/prod/edge.enc.json": file("2025-12-01T00:00:00Z"), // 365 days
    "secrets/prod/new.enc.json": file("2026-11-30T00:00:00Z"),
    "secrets/prod/broken.enc.json": file("not a date"),
  });
  expect(run(root).map(formatDiagnostic)).toEqual([
    "warning SS014 secrets/prod/old.enc.json: its data key was last used to encrypt on 2025-11-30T23:59:59Z " +
      "(365 days ago), more than dataKeyMaxAgeDays (365). Fix: rotate the data key with " +
      "`sops rotate --in-place secrets/prod/old.enc.json` (or `npm run rekey -- --apply`)",
  ]);
});

test("dataKeyMaxAgeDays from cdktf.json; 0 turns the warning off", () => {
  const files = { "secrets/prod/a.enc.json": file("2026-10-01T00:00:00Z") };
  expect(run(makeTempRepo(files, { context: { dataKeyMaxAgeDays: 30 } })).map((d) => d.path)).toEqual([
    "secrets/prod/a.enc.json",
  ]);
  expect(run(makeTempRepo(files, { context: { dataKeyMaxAgeDays: 90 } }))).toEqual([]);
  const ancient = { "secrets/prod/a.enc.json": file("2001-01-01T00:00:00Z") };
  expect(run(makeTempRepo(ancient, { context: { dataKeyMaxAgeDays: 0 } }))).toEqual([]);
});

test("on real sops output (2016 example file) when the fixtures are present", () => {
  const fixture = path.resolve(__dirname, "../../../shared/fixtures/sops/kms/getsops-example-2016-v1.6.json");
  if (!fs.existsSync(fixture)) {
    console.warn(`SKIPPED: ${fixture} not found`);
    return;
  }
  const root = makeTempRepo({ "secrets/legacy/example.enc.json": fs.readFileSync(fixture, "utf8") });
  expect(run(root).map((d) => d.message)).toEqual([
    "its data key was last used to encrypt on 2016-02-03T18:46:24Z (3953 days ago), more than dataKeyMaxAgeDays (365)",
  ]);
});

test("registered in the rule set: `check --explain SS014`", () => {
  expect(findRule("ss014")).toMatchObject({ id: "SS014", severity: "warning", title: "old-data-key" });
});

test("the clock of check and synth: SOURCE_DATE_EPOCH when set (the suite pins it), else the system clock", () => {
  expect(checkClock({ SOURCE_DATE_EPOCH: "1796083200" }).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  for (const env of [{}, { SOURCE_DATE_EPOCH: "soon" }]) {
    const before = Date.now();
    const t = checkClock(env).getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  }
  expect(process.env.SOURCE_DATE_EPOCH).toBe("1796083200"); // jest.config.js
});
