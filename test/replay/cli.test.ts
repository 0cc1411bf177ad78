// `worker replay` as users run it: the real launcher of the suite's runtime
// (`node worker`, `bun run worker`, `deno task worker`) in a child process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { currentRuntime, test } from "../harness.ts";
import { projectRoot, historiesRoot } from "../support/paths.ts";

const bin = join(projectRoot, "node_modules/.bin");
const HISTORIES = historiesRoot;
// Node runs the compiled suite (dist/test/...), so it gets the compiled workflow module.
const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
const sayHello = fileURLToPath(new URL(`./workflows/say-hello-python.${ext}`, import.meta.url));

function replay(...args: string[]) {
  const rt = currentRuntime();
  const [cmd, pre] =
    rt === "bun" ? [join(bin, "bun"), ["run", "worker"]] : rt === "deno" ? [join(bin, "deno"), ["task", "--quiet", "worker"]] : ["node", ["worker"]];
  return spawnSync(cmd, [...pre, "replay", ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
  });
}

const h = (file: string) => join(HISTORIES, file);

test("replay exits 0 when every history replays: legacy JSON, proto3 JSON and binary History", () => {
  const files = [h("sdk-python/test_replayer_complete_history.json"), h("sdk-core/ends_empty_wft_complete.json"), h("sdk-core/ends_empty_wft_complete.bin")];
  const r = replay("--workflows", sayHello, ...files);
  assert.equal(r.status, 0, r.stderr);
  for (const f of files) assert.match(r.stdout, new RegExp(`^ok +${escape(f)}$`, "m"));
  assert.match(r.stdout, /3 of 3 histories replayed/);
}, { timeoutMs: 60_000 });

test("replay exits 1 and names the file with the [TMPRL1100] message when a history does not replay", () => {
  const bad = h("sdk-python/test_replayer_nondeterministic_history.json");
  const good = h("sdk-python/test_replayer_complete_history.json");
  const r = replay("--workflows", sayHello, bad, good);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^FAIL ${escape(bad)}: \\[TMPRL1100\\] Nondeterminism error .*event 11`, "m"));
  assert.match(r.stdout, new RegExp(`^ok +${escape(good)}$`, "m"));
  assert.match(r.stderr, /1 of 2 histories replayed, 1 failed/);
}, { timeoutMs: 60_000 });

test("replay reads a JSON array of histories (one per run) and reports each run", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "replay-cli-"));
  t.defer(() => rmSync(dir, { recursive: true, force: true }));
  const chain = join(dir, "runs.json");
  const runs = ["sdk-python/test_replayer_complete_history.json", "sdk-core/ends_empty_wft_complete.json"].map((f) => JSON.parse(readFileSync(h(f), "utf8")) as unknown);
  writeFileSync(chain, JSON.stringify(runs));
  const r = replay("--workflows", sayHello, chain);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^ok +${escape(chain)}\\[0\\]$`, "m"));
  assert.match(r.stdout, new RegExp(`^ok +${escape(chain)}\\[1\\]$`, "m"));
}, { timeoutMs: 60_000 });

test("replay fails with the file's name when a history file is missing or not a history", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "replay-cli-"));
  t.defer(() => rmSync(dir, { recursive: true, force: true }));
  const junk = join(dir, "junk.json");
  writeFileSync(junk, '{"not": "a history"}');
  const r = replay("--workflows", sayHello, junk, join(dir, "absent.json"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^FAIL ${escape(junk)}: .*"events" array`, "m"));
  assert.match(r.stderr, new RegExp(`^FAIL ${escape(join(dir, "absent.json"))}: `, "m"));
}, { timeoutMs: 60_000 });

test("replay --help shows usage and the accepted history forms; missing arguments exit 2", () => {
  const help = replay("--help");
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: worker replay --workflows MODULE HISTORY\.\.\./);
  assert.match(help.stdout, /temporal workflow show --output json/);
  const noModule = replay(h("sdk-python/test_replayer_complete_history.json"));
  assert.equal(noModule.status, 2);
  assert.match(noModule.stderr, /--workflows MODULE is required/);
  const noFiles = replay("--workflows", sayHello);
  assert.equal(noFiles.status, 2);
  assert.match(noFiles.stderr, /at least one history file/);
}, { timeoutMs: 60_000 });

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
