// Jest global setup/teardown: every test's temporary folders (mkdtemp in os.tmpdir(), cdktf's Testing
// outdirs) go into one folder for the run, removed at the end, so runs leave nothing behind in /tmp.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports.setup = async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-secrets-jest-"));
  process.env.SOPS_SECRETS_JEST_TMP = dir;
  process.env.TMPDIR = dir; // os.tmpdir() in the workers, which inherit this environment
};

module.exports.teardown = async function teardown() {
  const dir = process.env.SOPS_SECRETS_JEST_TMP;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
