/**
 * npm run -s envs: the environments (folders under secrets/ with at least one secret file), sorted, as one
 * compact JSON array on one line, e.g. ["development","production"]. CI builds its matrices from it.
 */
import { discoverSecrets } from "../src/discovery/discover-secrets";

console.log(JSON.stringify(discoverSecrets(process.cwd()).environments.map((e) => e.name)));
