import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whether the suite runs from test/ (Bun, Deno) or dist/test/ (Node). */
export const projectRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url)); // .../test/support or .../dist/test/support
  const up = join(here, "..", "..");
  return up.endsWith("/dist") ? dirname(up) : up;
})();
