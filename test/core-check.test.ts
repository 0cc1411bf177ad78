import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "./harness.ts";
import { projectRoot } from "./support/paths.ts";

// The core check is a Node script run by `npm test`; this proves it catches
// what it must, by running it over a scratch folder shaped like src/.
const scriptPath = join(projectRoot, "scripts/check-core.mjs");

function scanFolder(files: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "tew-core-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    try {
      const out = execFileSync("node", [scriptPath, "--scan-only", dir], { stdio: "pipe", encoding: "utf8" });
      return { ok: true, output: out };
    } catch (err) {
      return { ok: false, output: String((err as { stderr?: string }).stderr) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("core check rejects a node: import in a core file", () => {
  const r = scanFolder({ "engine/x.ts": 'import { readFileSync } from "node:fs";\nexport const a = 1;\n' });
  assert.equal(r.ok, false);
  assert.match(r.output, /engine\/x\.ts:1: imports a node: module/);
});

test("core check rejects process, Bun and Deno globals", () => {
  const r = scanFolder({ "a.ts": "export const e = process.env.X;\nexport const b = Bun.version;\nexport const d = Deno.pid;\n" });
  assert.equal(r.ok, false);
  for (const why of ["`process`", "`Bun`", "`Deno`"]) assert.ok(r.output.includes(why), r.output);
});

test("core check allows adapters and comments that mention runtimes", () => {
  const r = scanFolder({
    "adapters/node/p.ts": 'import { readFile } from "node:fs/promises";\nexport { readFile };\n',
    "core.ts": "// process.env is read by the adapter, not here\nexport const x = 1;\n",
  });
  assert.equal(r.ok, true, r.output);
});
