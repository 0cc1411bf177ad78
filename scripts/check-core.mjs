#!/usr/bin/env node
// Keeps the core runtime-agnostic. Two checks, both run by `npm test`:
//  1. a type-check of src/ (adapters excluded) and gen/ with no Node, Bun or
//     Deno types (tsconfig.core.json): `process`, `Buffer`, `node:*` fail it;
//  2. a scan of the same files for runtime imports and globals that a
//     type-check could miss (e.g. behind `any`).
// `--scan-only DIR` runs the scan alone over DIR (used by the check's own test).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const rules = [
  { re: /\bfrom\s+["']node:|\bimport\s*\(\s*["']node:|\bimport\s+["']node:/, why: "imports a node: module" },
  { re: /\brequire\s*\(/, why: "uses require()" },
  { re: /\bprocess\s*[.[]/, why: "touches the `process` global" },
  { re: /\bBun\s*[.[]/, why: "touches the `Bun` global" },
  { re: /\bDeno\s*[.[]/, why: "touches the `Deno` global" },
  { re: /\bBuffer\s*[.(]/, why: "uses Node's Buffer (use Uint8Array)" },
  { re: /from\s+["']@connectrpc\/connect-node["']/, why: "imports connect-node (adapters only)" },
];

/** Files of the core: src/ without the adapters, test files excluded. */
function coreFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("adapters"))
    .map((f) => join(dir, f));
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

export function scan(dir) {
  const problems = [];
  for (const file of coreFiles(dir)) {
    const lines = stripComments(readFileSync(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      for (const rule of rules) {
        if (rule.re.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${rule.why}: ${line.trim()}`);
      }
    });
  }
  return problems;
}

const args = process.argv.slice(2);
const scanOnly = args[0] === "--scan-only";
const problems = scan(scanOnly ? args[1] : join(root, "src"));
if (problems.length > 0) {
  console.error(`core check: the runtime-agnostic core must not use runtime APIs (move this into src/adapters/):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
if (!scanOnly) {
  try {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.core.json")], { stdio: "inherit" });
  } catch {
    console.error("core check: src/ (without adapters) must type-check with no Node, Bun or Deno types (tsconfig.core.json)");
    process.exit(1);
  }
  console.log("core check: ok (no runtime APIs outside src/adapters)");
}
