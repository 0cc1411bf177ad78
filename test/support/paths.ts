import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whether the suite runs from test/ (Bun, Deno) or dist/test/ (Node). */
export const projectRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url)); // .../test/support or .../dist/test/support
  const up = join(here, "..", "..");
  return up.endsWith("/dist") ? dirname(up) : up;
})();

/**
 * The recorded histories shared by the team (../shared/histories next to the
 * repository, as in the workplace), or TEW_HISTORIES_DIR. Replay tests need
 * them; when none is found they fail with this message rather than skip.
 */
export const historiesRoot: string = (() => {
  const candidates = [process.env.TEW_HISTORIES_DIR, join(projectRoot, "..", "shared", "histories"), "/work/shared/histories"];
  const found = candidates.find((dir): dir is string => dir !== undefined && dir !== "" && existsSync(join(dir, "INDEX.md")));
  if (!found) {
    throw new Error(
      `the recorded histories were not found (looked in ${candidates.filter(Boolean).join(", ")}): set TEW_HISTORIES_DIR to the folder holding INDEX.md`,
    );
  }
  return found;
})();
