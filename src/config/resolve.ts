/**
 * Resolves the worker process's configuration from its four sources, highest
 * precedence first: command-line flags, environment variables, the worker
 * config file (temporal-worker.config.*), and a profile of Temporal's TOML
 * configuration. Every problem is collected and reported at once, each with
 * where the value came from and how to fix it; secrets are never echoed.
 */
import type { LogLevel } from "../logging/types.ts";
import type { TlsConfig } from "../platform/platform.ts";
import { parseDuration } from "./duration.ts";
import { ConfigError, type ConfigIssue, isNotFound } from "./errors.ts";
import { dirnameOf, resolveFrom } from "./paths.ts";
import { loadTemporalProfile, normalizeMetaKey } from "./temporal-profile.ts";
import { loadWorkerConfigFile, type WorkerConfigFile, type WorkerEntityConfig } from "./worker-config-file.ts";

/** The run command's flags, by their long names without dashes. */
export type RunFlags = Partial<Record<string, string | boolean | string[] | undefined>>;

export interface ConfigSources {
  env: (name: string) => string | undefined;
  /** The whole environment, for TEMPORAL_GRPC_META_* variables. */
  envAll: () => Record<string, string>;
  readTextFile(path: string): Promise<string>;
  importModule(path: string): Promise<Record<string, unknown>>;
}

/** A worker entity to create: one task queue and what it serves. */
export interface EntitySpec {
  taskQueue: string;
  /** Module path of the workflows, resolved against the config file's folder. */
  workflowsPath?: string;
  /** Module path of the activities, resolved likewise. */
  activitiesPath?: string;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
  maxActivitiesPerSecond?: number;
  maxTaskQueueActivitiesPerSecond?: number;
  maxCachedWorkflows?: number;
}

export interface ResolvedWorkerConfig {
  address: string;
  namespace: string;
  /** TLS settings with PEM text read from the files, or undefined for plaintext. */
  tls: TlsConfig | undefined;
  apiKey: string | undefined;
  metadata: Record<string, string>;
  identity: string | undefined;
  entities: EntitySpec[];
  /** Where /healthz, /readyz and /metrics listen; undefined when turned off. */
  health: { hostname: string; port: number } | undefined;
  shutdownGraceTimeMs: number;
  shutdownForceTimeMs: number;
  logLevel: LogLevel;
  logFormat: "json" | "pretty" | "auto";
  /** The files read, for the start-up log line. */
  files: { workerConfig: string | undefined; temporalConfig: string | undefined; profile: string };
}

export const defaultHealthAddress = "0.0.0.0:9233";
export const defaultShutdownGraceTimeMs = 10_000;
export const defaultShutdownForceTimeMs = 5_000;

export interface ResolveOptions {
  /** --dev: the address and entities come from the embedded dev server and examples/, so none are required. */
  dev?: boolean;
}

interface Pick<T> {
  value: T;
  source: string;
}

const addressPattern = /^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):(\d{1,5})$/;

export async function resolveWorkerConfig(flags: RunFlags, sources: ConfigSources, options: ResolveOptions = {}): Promise<ResolvedWorkerConfig> {
  const issues: ConfigIssue[] = [];
  const flag = (name: string): Pick<string> | undefined => {
    const value = flags[name];
    return typeof value === "string" ? { value, source: `--${name}` } : undefined;
  };
  // An empty variable counts as unset, as the Temporal CLI treats it.
  const env = (name: string): Pick<string> | undefined => {
    const value = sources.env(name);
    return value === undefined || value === "" ? undefined : { value, source: name };
  };

  const configPath = flag("config") ?? env("TEMPORAL_WORKER_CONFIG");
  const loaded = await loadWorkerConfigFile(configPath?.value, sources, configPath?.source);
  const file: WorkerConfigFile = loaded?.config ?? {};
  const filePath = loaded?.path;
  const fromFile = <T>(key: keyof WorkerConfigFile, value: T | undefined): Pick<T> | undefined =>
    value === undefined ? undefined : { value, source: `${filePath}: ${key}` };

  const profileFlag = flag("profile")?.value ?? file.profile;
  const loadedProfile = await loadTemporalProfile({
    env: sources.env,
    readTextFile: sources.readTextFile,
    ...(profileFlag ? { profile: profileFlag } : {}),
  });
  const profile = loadedProfile.profile;
  const fromProfile = <T>(key: string, value: T | undefined): Pick<T> | undefined =>
    value === undefined ? undefined : { value, source: `${loadedProfile.file} [profile.${loadedProfile.name}] ${key}` };

  // ---- connection ----
  const address = flag("address") ?? env("TEMPORAL_ADDRESS") ?? fromFile("address", file.address) ?? fromProfile("address", profile.address);
  if (address && !addressPattern.test(address.value)) {
    issues.push({ source: address.source, message: `must be "host:port", for example "localhost:7233" (no scheme, no path) (got ${JSON.stringify(address.value)})` });
  }
  const namespace = flag("namespace") ?? env("TEMPORAL_NAMESPACE") ?? fromFile("namespace", file.namespace) ?? fromProfile("namespace", profile.namespace);
  const apiKey = flag("api-key") ?? env("TEMPORAL_API_KEY") ?? fromFile("apiKey", file.apiKey) ?? fromProfile("api_key", profile.apiKey);

  const tls = await resolveTls(flags, env, file, filePath, profile.tls, fromProfile, apiKey !== undefined, sources, issues);

  const metadata: Record<string, string> = { ...profile.grpcMeta };
  for (const [name, value] of Object.entries(sources.envAll())) {
    if (!name.startsWith("TEMPORAL_GRPC_META_")) continue;
    const key = normalizeMetaKey(name.slice("TEMPORAL_GRPC_META_".length));
    if (value === "") delete metadata[key];
    else metadata[key] = value;
  }

  // ---- entities ----
  const entities = resolveEntities(flags, env, file, filePath, issues, options);

  // ---- process ----
  const healthText = flag("health-address") ?? env("TEMPORAL_WORKER_HEALTH_ADDRESS") ?? fromFile("healthAddress", file.healthAddress);
  let health: ResolvedWorkerConfig["health"];
  const healthValue = healthText?.value ?? defaultHealthAddress;
  if (healthValue.toLowerCase() !== "off") {
    const m = addressPattern.exec(healthValue);
    const port = Number(m?.[2]);
    if (!m || port > 65_535) {
      issues.push({
        source: healthText?.source ?? "health address",
        message: `must be "HOST:PORT" (for example "0.0.0.0:9233"; port 0 picks a free one) or "off" (got ${JSON.stringify(healthValue)})`,
      });
    } else {
      health = { hostname: (m[1] as string).replace(/^\[|\]$/g, ""), port };
    }
  }

  const grace = durationSetting(flag("shutdown-grace-time") ?? env("TEMPORAL_WORKER_SHUTDOWN_GRACE_TIME") ?? fromFile("shutdownGraceTime", file.shutdownGraceTime), defaultShutdownGraceTimeMs, issues);
  const force = durationSetting(flag("shutdown-force-time") ?? env("TEMPORAL_WORKER_SHUTDOWN_FORCE_TIME") ?? fromFile("shutdownForceTime", file.shutdownForceTime), defaultShutdownForceTimeMs, issues);

  const levelText = flag("log-level") ?? env("TEMPORAL_WORKER_LOG_LEVEL") ?? fromFile("logLevel", file.logLevel);
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];
  let logLevel: LogLevel = "INFO";
  if (levelText) {
    const upper = levelText.value.toUpperCase();
    if (levels.includes(upper)) logLevel = upper as LogLevel;
    else issues.push({ source: levelText.source, message: `must be one of ${levels.join(", ")} (got ${JSON.stringify(levelText.value)})` });
  }
  const formatText = flag("log-format") ?? env("TEMPORAL_WORKER_LOG_FORMAT") ?? fromFile("logFormat", file.logFormat);
  let logFormat: ResolvedWorkerConfig["logFormat"] = "auto";
  if (formatText) {
    if (formatText.value === "json" || formatText.value === "pretty" || formatText.value === "auto") logFormat = formatText.value;
    else issues.push({ source: formatText.source, message: `must be "json", "pretty" or "auto" (got ${JSON.stringify(formatText.value)})` });
  }
  const identity = flag("identity") ?? env("TEMPORAL_WORKER_IDENTITY") ?? fromFile("identity", file.identity);

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    address: address?.value ?? "localhost:7233",
    namespace: namespace?.value ?? "default",
    tls,
    apiKey: apiKey?.value,
    metadata,
    identity: identity?.value,
    entities,
    health,
    shutdownGraceTimeMs: grace,
    shutdownForceTimeMs: force,
    logLevel,
    logFormat,
    files: { workerConfig: filePath, temporalConfig: loadedProfile.file, profile: loadedProfile.name },
  };
}

function durationSetting(pick: Pick<string | number> | undefined, fallback: number, issues: ConfigIssue[]): number {
  if (!pick) return fallback;
  const ms = parseDuration(pick.value);
  if (ms === undefined) {
    issues.push({ source: pick.source, message: `must be a duration such as "500ms", "30s" or "2m" (got ${JSON.stringify(pick.value)})` });
    return fallback;
  }
  return ms;
}

type EnvPick = (name: string) => Pick<string> | undefined;

async function resolveTls(
  flags: RunFlags,
  env: EnvPick,
  file: WorkerConfigFile,
  filePath: string | undefined,
  profileTls: import("./temporal-profile.ts").TemporalProfileTls | undefined,
  fromProfile: <T>(key: string, value: T | undefined) => Pick<T> | undefined,
  hasApiKey: boolean,
  sources: ConfigSources,
  issues: ConfigIssue[],
): Promise<TlsConfig | undefined> {
  const fileTls = typeof file.tls === "object" ? file.tls : undefined;
  const fromFile = (key: string, value: string | undefined): Pick<string> | undefined =>
    value === undefined ? undefined : { value, source: `${filePath}: tls.${key}` };
  const str = (name: string): Pick<string> | undefined => {
    const value = flags[name];
    return typeof value === "string" ? { value, source: `--${name}` } : undefined;
  };

  let enabled: Pick<boolean> | undefined;
  if (typeof flags.tls === "boolean") enabled = { value: flags.tls, source: "--tls" };
  else {
    const e = env("TEMPORAL_TLS");
    if (e) {
      const lower = e.value.toLowerCase();
      if (lower === "1" || lower === "true") enabled = { value: true, source: e.source };
      else if (lower === "0" || lower === "false") enabled = { value: false, source: e.source };
      else issues.push({ source: e.source, message: `must be true, false, 1 or 0 (got ${JSON.stringify(e.value)})` });
    }
  }
  if (!enabled && file.tls !== undefined) enabled = { value: file.tls !== false, source: `${filePath}: tls` };
  if (!enabled && profileTls?.disabled !== undefined) enabled = { value: !profileTls.disabled, source: "profile tls.disabled" };

  const caPath = str("tls-ca-path") ?? env("TEMPORAL_TLS_SERVER_CA_CERT_PATH") ?? fromFile("serverCaCertPath", fileTls?.serverCaCertPath) ?? fromProfile("tls.server_ca_cert_path", profileTls?.serverCaCertPath);
  const caData = env("TEMPORAL_TLS_SERVER_CA_CERT_DATA") ?? fromProfile("tls.server_ca_cert_data", profileTls?.serverCaCertData);
  const certPath = str("tls-cert-path") ?? env("TEMPORAL_TLS_CLIENT_CERT_PATH") ?? fromFile("clientCertPath", fileTls?.clientCertPath) ?? fromProfile("tls.client_cert_path", profileTls?.clientCertPath);
  const certData = env("TEMPORAL_TLS_CLIENT_CERT_DATA") ?? fromProfile("tls.client_cert_data", profileTls?.clientCertData);
  const keyPath = str("tls-key-path") ?? env("TEMPORAL_TLS_CLIENT_KEY_PATH") ?? fromFile("clientKeyPath", fileTls?.clientKeyPath) ?? fromProfile("tls.client_key_path", profileTls?.clientKeyPath);
  const keyData = env("TEMPORAL_TLS_CLIENT_KEY_DATA") ?? fromProfile("tls.client_key_data", profileTls?.clientKeyData);
  const serverName = str("tls-server-name") ?? env("TEMPORAL_TLS_SERVER_NAME") ?? fromFile("serverName", fileTls?.serverName) ?? fromProfile("tls.server_name", profileTls?.serverName);

  // As in Temporal's loaders: any TLS setting, or an API key, turns TLS on unless it is explicitly off.
  const anyDetail = Boolean(caPath || caData || certPath || certData || keyPath || keyData || serverName || profileTls);
  const on = enabled ? enabled.value : anyDetail || hasApiKey;
  if (!on) return undefined;

  if (profileTls?.disableHostVerification) {
    issues.push({
      source: "profile tls.disable_host_verification",
      message: "is not supported: give the server's CA with server_ca_cert_path (or TEMPORAL_TLS_SERVER_CA_CERT_PATH) instead",
    });
  }
  const hasCert = Boolean(certPath || certData);
  const hasKey = Boolean(keyPath || keyData);
  if (hasCert !== hasKey) {
    const given = (certPath ?? certData ?? keyPath ?? keyData) as Pick<string>;
    issues.push({
      source: given.source,
      message: `mTLS needs both a client certificate and its private key: also set ${hasCert ? "--tls-key-path (TEMPORAL_TLS_CLIENT_KEY_PATH)" : "--tls-cert-path (TEMPORAL_TLS_CLIENT_CERT_PATH)"}`,
    });
  }
  const pem = async (path: Pick<string> | undefined, data: Pick<string> | undefined, what: string): Promise<string | undefined> => {
    if (path) {
      try {
        const text = await sources.readTextFile(path.value);
        if (!text.includes("-----BEGIN")) issues.push({ source: path.source, message: `file "${path.value}" is not PEM (no -----BEGIN line); give the ${what} in PEM form` });
        return text;
      } catch (err) {
        const why = isNotFound(err) ? "no such file" : err instanceof Error ? err.message : String(err);
        issues.push({ source: path.source, message: `cannot read the ${what} at "${path.value}" (${why}); check the path` });
        return undefined;
      }
    }
    if (data && !data.value.includes("-----BEGIN")) {
      issues.push({ source: data.source, message: `must be PEM text (starting with -----BEGIN), not a path; use the *_PATH setting for files` });
    }
    return data?.value;
  };
  const tls: TlsConfig = {};
  const ca = await pem(caPath, caData, "server CA certificate");
  const cert = await pem(certPath, certData, "client certificate");
  const key = await pem(keyPath, keyData, "client private key");
  if (ca !== undefined) tls.serverRootCaCert = ca;
  if (cert !== undefined) tls.clientCert = cert;
  if (key !== undefined) tls.clientPrivateKey = key;
  if (serverName) tls.serverNameOverride = serverName.value;
  return tls;
}

const numericFlags: Array<[flag: string, key: keyof EntitySpec]> = [
  ["max-concurrent-workflow-task-executions", "maxConcurrentWorkflowTaskExecutions"],
  ["max-concurrent-activity-task-executions", "maxConcurrentActivityTaskExecutions"],
  ["max-activities-per-second", "maxActivitiesPerSecond"],
];

function resolveEntities(flags: RunFlags, env: EnvPick, file: WorkerConfigFile, filePath: string | undefined, issues: ConfigIssue[], options: ResolveOptions): EntitySpec[] {
  const flag = (name: string): Pick<string> | undefined => {
    const value = flags[name];
    return typeof value === "string" ? { value, source: `--${name}` } : undefined;
  };
  const taskQueue = flag("task-queue") ?? env("TEMPORAL_TASK_QUEUE");
  const workflows = flag("workflows");
  const activities = flag("activities");
  const fromCommandLine: EntitySpec = { taskQueue: taskQueue?.value ?? "" };
  if (workflows) fromCommandLine.workflowsPath = workflows.value;
  if (activities) fromCommandLine.activitiesPath = activities.value;
  for (const [name, key] of numericFlags) {
    const f = flag(name);
    if (!f) continue;
    const n = Number(f.value);
    if (!Number.isFinite(n) || n <= 0 || (key !== "maxActivitiesPerSecond" && !Number.isInteger(n))) {
      issues.push({ source: f.source, message: `must be a positive ${key === "maxActivitiesPerSecond" ? "number" : "whole number"} (got ${JSON.stringify(f.value)})` });
    } else {
      (fromCommandLine as unknown as Record<string, number>)[key] = n;
    }
  }
  const commandLineGiven = [taskQueue, workflows, activities, ...numericFlags.map(([n]) => flag(n))].filter((p) => p !== undefined);

  const base = filePath ? dirnameOf(filePath) : ".";
  const fileWorkers = (file.workers ?? []).map((w) => fromFileEntity(w, base));
  let entities: EntitySpec[];
  if (fileWorkers.length > 1 && commandLineGiven.length > 0) {
    const first = commandLineGiven[0] as Pick<string>;
    issues.push({
      source: first.source,
      message: `cannot apply to ${filePath}, which declares ${fileWorkers.length} workers: set it per worker in the file, or drop the file's workers`,
    });
    entities = fileWorkers;
  } else if (fileWorkers.length === 1) {
    const only = fileWorkers[0] as EntitySpec;
    entities = [{ ...only, ...stripEmpty(fromCommandLine) }];
  } else if (fileWorkers.length > 1) {
    entities = fileWorkers;
  } else if (commandLineGiven.length > 0 || !options.dev) {
    entities = [fromCommandLine];
  } else {
    entities = [];
  }

  const seen = new Set<string>();
  entities.forEach((e, i) => {
    const where = fileWorkers.length > 1 ? `${filePath}: workers[${i}]` : fileWorkers.length === 1 ? `${filePath}: workers[0] or the flags` : "the command line";
    if (!e.taskQueue) {
      issues.push({
        source: fileWorkers.length > 0 ? where : "--task-queue",
        message: "no task queue: give --task-queue NAME (or TEMPORAL_TASK_QUEUE), or declare workers in temporal-worker.config.json",
      });
    } else if (seen.has(e.taskQueue)) {
      issues.push({ source: where, message: `task queue "${e.taskQueue}" is declared twice: merge the two workers into one (workflows and activities together)` });
    }
    seen.add(e.taskQueue);
    if (!e.workflowsPath && !e.activitiesPath) {
      issues.push({
        source: fileWorkers.length > 0 ? where : "--workflows/--activities",
        message: `task queue "${e.taskQueue || "?"}" has nothing to serve: give a workflows module (--workflows), an activities module (--activities), or both`,
      });
    }
  });
  return entities;
}

function fromFileEntity(w: WorkerEntityConfig, base: string): EntitySpec {
  const { workflows, activities, ...rest } = w;
  const spec: EntitySpec = { ...rest };
  if (workflows) spec.workflowsPath = resolveFrom(base, workflows);
  if (activities) spec.activitiesPath = resolveFrom(base, activities);
  return spec;
}

function stripEmpty(spec: EntitySpec): Partial<EntitySpec> {
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined && value !== ""));
}
