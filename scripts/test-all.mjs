#!/usr/bin/env node
// `npm test`: builds the Node output, checks the core stays runtime-agnostic,
// then runs the whole suite on Node, Bun and Deno. Fails if any step fails.
// Arguments are passed to the runners as file filters.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules/.bin");
const filters = process.argv.slice(2);
const only = (process.env.TEW_RUNTIMES ?? "node,bun,deno").split(",");

const steps = [
  { name: "build (tsc -> dist/)", cmd: join(bin, "tsc"), args: ["-p", "tsconfig.json"] },
  { name: "core check", cmd: process.execPath, args: ["scripts/check-core.mjs"] },
  { name: "suite on node", runtime: "node", cmd: process.execPath, args: ["dist/test/run.js", ...filters] },
  { name: "suite on bun", runtime: "bun", cmd: join(bin, "bun"), args: ["test/run.ts", ...filters] },
  { name: "suite on deno", runtime: "deno", cmd: join(bin, "deno"), args: ["run", "--allow-all", "test/run.ts", ...filters] },
].filter((s) => !s.runtime || only.includes(s.runtime));

const results = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}`);
  const t0 = Date.now();
  const r = spawnSync(step.cmd, step.args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
  });
  const ok = r.status === 0;
  results.push({ name: step.name, ok, s: ((Date.now() - t0) / 1000).toFixed(1) });
  if (!ok && !step.runtime) break; // nothing to run if the build or core check failed
}
console.log("\n=== summary");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name} (${r.s} s)`);
process.exit(results.every((r) => r.ok) && results.length === steps.length ? 0 : 1);
