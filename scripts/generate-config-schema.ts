/**
 * `npm run schema`: writes schema/cdktf.schema.json, the JSON Schema of cdktf.json generated from the one
 * configuration schema (src/config/schema.ts). `--check` exits 1 when the committed file is not current.
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText } from "../src/config/schema";

// Run from the project root, as npm scripts are (the bundled script does not live next to the sources).
const root = process.cwd();
const file = path.join(root, CONFIG_JSON_SCHEMA_FILE);
const text = configJsonSchemaText();
if (process.argv.includes("--check")) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  if (current !== text) {
    console.error(`${CONFIG_JSON_SCHEMA_FILE} is not current: run \`npm run schema\` and commit the file.`);
    process.exit(1);
  }
  console.log(`${CONFIG_JSON_SCHEMA_FILE} is current.`);
} else {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`Wrote ${CONFIG_JSON_SCHEMA_FILE}.`);
}
