#!/usr/bin/env node
// `node worker`: Node 20 cannot run TypeScript, so it runs the tsc build in
// dist/ (made by `npm ci` / `npm run build`). Bun and Deno run src/ directly.
import { existsSync } from "node:fs";

const entry = new URL("./dist/src/adapters/node/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("error: dist/ is missing: run `npm ci` (or `npm run build`) first\n");
  process.exit(1);
}
await import(entry.href);
