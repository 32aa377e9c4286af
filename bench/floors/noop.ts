/**
 * The launcher alone: `node scripts/run.js bench/floors/noop.ts` starts Node, loads esbuild, transpiles this
 * file and runs it. The fixed cost under every other figure.
 */
console.log("noop");
