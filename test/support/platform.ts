// The Platform of the runtime running the suite, so tests exercise the same
// adapter users get.
import type { Platform } from "../../src/platform/platform.ts";
import { currentRuntime } from "../harness.ts";

export async function runtimePlatform(): Promise<Platform> {
  const rt = currentRuntime();
  if (rt === "bun") return (await import("../../src/adapters/bun/platform.ts")).bunPlatform;
  if (rt === "deno") return (await import("../../src/adapters/deno/platform.ts")).denoPlatform;
  return (await import("../../src/adapters/node/platform.ts")).nodePlatform;
}
