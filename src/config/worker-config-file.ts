/**
 * The worker config file, `temporal-worker.config.ts|js|json`: the process's
 * settings and the worker entities it hosts, one per task queue. A .ts/.js
 * file default-exports the object (wrap it in `defineWorkerConfig` for types);
 * a .json file holds it. Module paths inside are relative to the file.
 */
import * as v from "valibot";
import { ConfigError, isNotFound } from "./errors.ts";

/** One worker entity: a task queue served with workflows, activities or both. */
export interface WorkerEntityConfig {
  taskQueue: string;
  /** Module exporting the workflow functions (loaded by the workflow worker). */
  workflows?: string;
  /** Module exporting the activity functions. */
  activities?: string;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
  /** Activities per second this worker starts, at most. */
  maxActivitiesPerSecond?: number;
  /** Activities per second for the whole task queue (all workers), enforced by the server. */
  maxTaskQueueActivitiesPerSecond?: number;
  maxCachedWorkflows?: number;
}

export interface WorkerConfigFile {
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** `true`/`false`, or file paths for a custom CA, server name and mTLS. */
  tls?: boolean | { serverCaCertPath?: string; serverName?: string; clientCertPath?: string; clientKeyPath?: string };
  /** A profile of Temporal's TOML configuration to start from. */
  profile?: string;
  /** HOST:PORT of /healthz, /readyz and /metrics, or "off". */
  healthAddress?: string;
  /** How long in-flight tasks may run after shutdown is requested: "30s", or milliseconds. */
  shutdownGraceTime?: string | number;
  /** Extra time after the grace time before the process gives up on draining. */
  shutdownForceTime?: string | number;
  logLevel?: string;
  logFormat?: "json" | "pretty";
  identity?: string;
  workers?: WorkerEntityConfig[];
}

/** Identity function that gives a config file's object its type. */
export function defineWorkerConfig(config: WorkerConfigFile): WorkerConfigFile {
  return config;
}

export const defaultConfigFileNames = ["temporal-worker.config.ts", "temporal-worker.config.js", "temporal-worker.config.mjs", "temporal-worker.config.json"];

const positiveInt = v.pipe(v.number("must be a number"), v.integer("must be a whole number"), v.minValue(1, "must be at least 1"));
const positive = v.pipe(v.number("must be a number"), v.gtValue(0, "must be more than 0"));
const nonEmpty = (what: string) => v.pipe(v.string(`must be a string (${what})`), v.nonEmpty(`must not be empty (${what})`));

const EntitySchema = v.strictObject({
  taskQueue: nonEmpty("the task queue name"),
  workflows: v.optional(nonEmpty("a module path, relative to the config file")),
  activities: v.optional(nonEmpty("a module path, relative to the config file")),
  maxConcurrentWorkflowTaskExecutions: v.optional(positiveInt),
  maxConcurrentActivityTaskExecutions: v.optional(positiveInt),
  maxConcurrentLocalActivityExecutions: v.optional(positiveInt),
  maxConcurrentWorkflowTaskPolls: v.optional(positiveInt),
  maxConcurrentActivityTaskPolls: v.optional(positiveInt),
  maxActivitiesPerSecond: v.optional(positive),
  maxTaskQueueActivitiesPerSecond: v.optional(positive),
  maxCachedWorkflows: v.optional(v.pipe(v.number("must be a number"), v.integer("must be a whole number"), v.minValue(0, "must be 0 or more"))),
});

const duration = v.union([v.string(), v.number()], 'must be a duration such as "30s" or a number of milliseconds');

const FileSchema = v.strictObject({
  address: v.optional(v.string("must be a string")),
  namespace: v.optional(v.string("must be a string")),
  apiKey: v.optional(v.string("must be a string")),
  tls: v.optional(
    v.union(
      [
        v.boolean(),
        v.strictObject({
          serverCaCertPath: v.optional(v.string()),
          serverName: v.optional(v.string()),
          clientCertPath: v.optional(v.string()),
          clientKeyPath: v.optional(v.string()),
        }),
      ],
      "must be true, false or { serverCaCertPath, serverName, clientCertPath, clientKeyPath }",
    ),
  ),
  profile: v.optional(v.string("must be a string")),
  healthAddress: v.optional(v.string("must be a string")),
  shutdownGraceTime: v.optional(duration),
  shutdownForceTime: v.optional(duration),
  logLevel: v.optional(v.string("must be a string")),
  logFormat: v.optional(v.picklist(["json", "pretty"], 'must be "json" or "pretty"')),
  identity: v.optional(v.string("must be a string")),
  workers: v.optional(v.array(EntitySchema, "must be an array of { taskQueue, workflows?, activities?, ... }")),
});

export interface LoadedConfigFile {
  path: string;
  config: WorkerConfigFile;
}

export interface ConfigFileLoader {
  readTextFile(path: string): Promise<string>;
  importModule(path: string): Promise<Record<string, unknown>>;
}

/**
 * Loads the config file: `path` when given (it must exist), otherwise the
 * first default name in the current folder, otherwise nothing.
 */
export async function loadWorkerConfigFile(path: string | undefined, loader: ConfigFileLoader, source = "--config"): Promise<LoadedConfigFile | undefined> {
  if (path !== undefined) return { path, config: await readOne(path, loader, source) };
  for (const name of defaultConfigFileNames) {
    try {
      await loader.readTextFile(name);
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    return { path: name, config: await readOne(name, loader, name) };
  }
  return undefined;
}

async function readOne(path: string, loader: ConfigFileLoader, source: string): Promise<WorkerConfigFile> {
  let raw: unknown;
  if (path.endsWith(".json")) {
    let text: string;
    try {
      text = await loader.readTextFile(path);
    } catch (err) {
      throw new ConfigError([{ source, message: notReadable(path, err) }]);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError([{ source: path, message: `not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the syntax` }]);
    }
  } else if (/\.(ts|mts|js|mjs)$/.test(path)) {
    let mod: Record<string, unknown>;
    try {
      await loader.readTextFile(path);
    } catch (err) {
      throw new ConfigError([{ source, message: notReadable(path, err) }]);
    }
    try {
      mod = await loader.importModule(path);
    } catch (err) {
      const hint = path.endsWith("ts") ? " (Node 20 cannot import TypeScript: use a .js or .json config there, or run on Bun or Deno)" : "";
      throw new ConfigError([{ source: path, message: `could not be imported: ${err instanceof Error ? err.message : String(err)}${hint}` }]);
    }
    raw = mod.default ?? mod.config;
    if (raw === undefined) {
      throw new ConfigError([{ source: path, message: "exports no configuration: add `export default { workers: [...] }` (or `export default defineWorkerConfig({...})`)" }]);
    }
  } else {
    throw new ConfigError([{ source, message: `"${path}" is not a .ts, .js, .mjs or .json file; name it temporal-worker.config.json (or .ts/.js)` }]);
  }
  const parsed = v.safeParse(FileSchema, raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.issues.map((issue) => fileIssue(path, issue)));
  }
  return parsed.output as WorkerConfigFile;
}

const secretKey = /key|secret|token|password/i;

function fileIssue(path: string, issue: v.BaseIssue<unknown>): { source: string; message: string } {
  const parts = issue.path?.map((p) => (typeof p.key === "number" ? `[${p.key}]` : `.${String(p.key)}`)).join("") ?? "";
  const field = parts.replace(/^\./, "") || "(top level)";
  if (issue.type === "strict_object" && issue.expected === "never") {
    return { source: `${path}: ${field}`, message: "unknown setting; remove it or check its spelling (see docs/operations.md)" };
  }
  const got = secretKey.test(field) ? "" : ` (got ${JSON.stringify(issue.input) ?? "nothing"})`;
  return { source: `${path}: ${field}`, message: `${issue.message}${got}` };
}

function notReadable(path: string, err: unknown): string {
  if (isNotFound(err)) return `config file "${path}" does not exist; check the path`;
  return `cannot read config file "${path}": ${err instanceof Error ? err.message : String(err)}`;
}
