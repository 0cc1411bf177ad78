/**
 * The test API, the same on Node, Bun and Deno: `test(name, fn)` registers a
 * test; test/run.ts imports the test files and runs what they registered.
 * Our own small harness rather than node:test, bun:test or Deno.test, so one
 * suite runs unchanged on all three and reports the same way.
 */
export interface TestContext {
  /** Registers cleanup that runs after the test, pass or fail, last-in first-out. */
  defer(fn: () => unknown): void;
  /** Aborted when the test times out, so long waits can stop. */
  readonly signal: AbortSignal;
  /** The runtime the suite runs on. */
  readonly runtime: "node" | "bun" | "deno";
}

export interface TestOptions {
  /** Milliseconds before the test fails as timed out. Default 30 000. */
  timeoutMs?: number;
  /** Runtimes on which the test runs; all when absent. Say why in the test when you narrow it. */
  runtimes?: ReadonlyArray<"node" | "bun" | "deno">;
}

export interface RegisteredTest {
  name: string;
  fn: (t: TestContext) => unknown;
  options: TestOptions;
}

const registry: RegisteredTest[] = [];

export function test(name: string, fn: (t: TestContext) => unknown, options: TestOptions = {}): void {
  registry.push({ name, fn, options });
}

/** Takes the tests registered since the last call (one file's worth). */
export function takeRegisteredTests(): RegisteredTest[] {
  return registry.splice(0, registry.length);
}

export function currentRuntime(): "node" | "bun" | "deno" {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun ? "bun" : g.Deno ? "deno" : "node";
}

/**
 * Polls `condition` until it returns a truthy value or the deadline passes;
 * tests wait for conditions this way, never with fixed sleeps.
 */
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${options.message ?? "condition not met"} within ${options.timeoutMs ?? 10_000} ms`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20));
  }
}
