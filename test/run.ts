/**
 * Runs the suite on whichever runtime executes it:
 *   node dist/test/run.js [filter...]     bun test/run.ts [filter...]     deno run -A test/run.ts [filter...]
 * A filter keeps the test files whose path contains it. Exits non-zero when a
 * test fails.
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentRuntime, type TestContext, takeRegisteredTests } from "./harness.ts";

const runtime = currentRuntime();
const here = dirname(fileURLToPath(import.meta.url));
const ext = import.meta.url.endsWith(".js") ? ".test.js" : ".test.ts";
const argv: string[] =
  runtime === "deno" ? (globalThis as unknown as { Deno: { args: string[] } }).Deno.args : process.argv.slice(2);
const filters = argv.filter((a) => !a.startsWith("-"));

const files = (readdirSync(here, { recursive: true }) as string[])
  .filter((f) => f.endsWith(ext))
  .map((f) => join(here, f))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
const started = Date.now();

for (const file of files) {
  const label = relative(here, file);
  try {
    await import(pathToFileURL(file).href);
  } catch (err) {
    failed++;
    failures.push(`${label}: failed to load: ${describe(err)}`);
    console.log(`not ok - ${label} (load error)\n${indent(describe(err))}`);
    continue;
  }
  for (const t of takeRegisteredTests()) {
    if (t.options.runtimes && !t.options.runtimes.includes(runtime)) {
      skipped++;
      console.log(`skip - ${label} > ${t.name} (not on ${runtime})`);
      continue;
    }
    const deferred: Array<() => unknown> = [];
    const controller = new AbortController();
    const ctx: TestContext = { defer: (fn) => deferred.push(fn), signal: controller.signal, runtime };
    const timeoutMs = t.options.timeoutMs ?? 30_000;
    const t0 = Date.now();
    let error: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => t.fn(ctx)),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            controller.abort(new Error("test timed out"));
            reject(new Error(`timed out after ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      error = err;
    } finally {
      clearTimeout(timer);
    }
    for (const fn of deferred.reverse()) {
      try {
        await fn();
      } catch (err) {
        error ??= new Error(`cleanup failed: ${describe(err)}`);
      }
    }
    const ms = Date.now() - t0;
    if (error === undefined) {
      passed++;
      console.log(`ok - ${label} > ${t.name} (${ms} ms)`);
    } else {
      failed++;
      failures.push(`${label} > ${t.name}: ${describe(error)}`);
      console.log(`not ok - ${label} > ${t.name} (${ms} ms)\n${indent(describe(error))}`);
    }
  }
}

console.log(
  `\n${runtime}: ${passed} passed, ${failed} failed, ${skipped} skipped, ${files.length} files, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
if (failures.length > 0) console.log(`failures on ${runtime}:\n${failures.map((f) => `  - ${f.split("\n")[0]}`).join("\n")}`);
if (files.length === 0) console.log("no test files matched");
const code = failed > 0 || files.length === 0 ? 1 : 0;
if (runtime === "deno") (globalThis as unknown as { Deno: { exit(c: number): never } }).Deno.exit(code);
process.exit(code);

function describe(err: unknown): string {
  if (err instanceof Error) {
    let s = err.stack ?? `${err.name}: ${err.message}`;
    if (err.cause !== undefined) s += `\ncause: ${describe(err.cause)}`;
    return s;
  }
  return String(err);
}

function indent(s: string): string {
  return s
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
