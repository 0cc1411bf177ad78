/** One problem in the configuration: where it came from, what is wrong and how to fix it. */
export interface ConfigIssue {
  /** Where the value came from: "--address", "TEMPORAL_ADDRESS", "temporal-worker.config.json: workers[0].taskQueue"... */
  source: string;
  /** What is wrong and what to do, e.g. 'must be "host:port", for example "localhost:7233"'. */
  message: string;
}

/**
 * The configuration cannot be used. Its message lists every issue, one per
 * line; secret values (API keys, private keys, certificates) never appear.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.source}: ${i.message}`);
    super(`invalid worker configuration:\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

/** Whether an error from Platform.readTextFile means "no such file" (Node/Bun: ENOENT; Deno: NotFound). */
export function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown } | null;
  return e?.code === "ENOENT" || e?.name === "NotFound";
}
