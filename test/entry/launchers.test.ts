import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../../src/common/version.ts";
import { currentRuntime, test } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";

const bin = join(projectRoot, "node_modules/.bin");

// Each suite proves its own runtime's launcher: `node worker`, `bun run worker`, `deno task worker`.
function launch(...args: string[]) {
  const rt = currentRuntime();
  const [cmd, pre] =
    rt === "bun" ? [join(bin, "bun"), ["run", "worker"]] : rt === "deno" ? [join(bin, "deno"), ["task", "--quiet", "worker"]] : ["node", ["worker"]];
  return spawnSync(cmd, [...pre, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
  });
}

test("the launcher prints usage for --help and exits 0", () => {
  const r = launch("--help");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: (node worker|bun run worker|deno task worker) \[command\] \[options\]/);
});

test("an unknown option exits 2 and names the known ones", () => {
  const r = launch("--frobnicate");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option --frobnicate; known: --help/);
});

test("--version prints the package version", () => {
  const r = launch("--version");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
});

test("the client-version sent to servers matches package.json", () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };
  assert.equal(VERSION, pkg.version);
});
