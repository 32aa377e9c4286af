import { App, Testing } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
import { BootstrapStack } from "./src/bootstrap/bootstrap-stack";
import { DEFAULT_BOOTSTRAP_SETTINGS } from "./src/bootstrap/bootstrap-config";
const app = Testing.app();
const s = new BootstrapStack(app, { environments: ["dev"], settings: { ...DEFAULT_BOOTSTRAP_SETTINGS }, backend: { type: "s3", bucket: "b", region: "us-east-1", keyPrefix: "secrets" }, region: "us-east-1" });
s.synthesizer = new StackSynthesizer(s, false, true);
console.log((s as any).toHclTerraform().hcl);
