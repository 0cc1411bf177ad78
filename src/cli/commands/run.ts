/**
 * `worker run` (the default command): resolves the configuration, opens one
 * connection, creates a worker entity per task queue, serves the health
 * endpoint and runs until SIGINT/SIGTERM drains it. With --dev it first starts
 * the embedded dev server and serves the examples.
 */
import { ConfigError } from "../../config/errors.ts";
import { type ResolvedWorkerConfig, resolveWorkerConfig } from "../../config/resolve.ts";
import { type Connection, connect } from "../../connection/connection.ts";
import { serveHealth } from "../../health/serve.ts";
import type { ReadinessReport } from "../../health/types.ts";
import { createLogger } from "../../logging/logger.ts";
import type { Logger } from "../../logging/types.ts";
import { createMetricRegistry } from "../../metrics/registry.ts";
import type { HttpServer, Platform } from "../../platform/platform.ts";
import { type EntityFactory, rolesOf, type WorkerEntity } from "../../process/entity.ts";
import { handleShutdownSignals } from "../../process/signals.ts";
import { createWorkerProcess, type WorkerProcess } from "../../process/host.ts";
import { createServerProbe } from "../../process/server-probe.ts";
import type { OptionSpecs } from "../args.ts";
import { type Command, registerCommand, setDefaultCommand } from "../main.ts";
import { type DevSupport, exampleEntity, startDev } from "./run-dev.ts";

/** What `run` needs from the worker implementation; plugged in with provideRunDependencies. */
export interface RunDependencies {
  /** Creates one worker entity (the Worker facade's `Worker.create`). */
  entityFactory?: EntityFactory;
  /** The embedded dev server and the example workflow runner, for --dev. */
  dev?: DevSupport;
}

let dependencies: RunDependencies = {};

/** Plugs the worker implementation into the run command (called once at start-up by the entry point). */
export function provideRunDependencies(deps: RunDependencies): void {
  dependencies = { ...dependencies, ...deps };
}

export const runOptions: OptionSpecs = {
  address: { type: "string", valueName: "HOST:PORT", description: "Temporal frontend [TEMPORAL_ADDRESS; default localhost:7233]" },
  namespace: { type: "string", valueName: "NAME", description: "Namespace [TEMPORAL_NAMESPACE; default default]" },
  "task-queue": { type: "string", valueName: "NAME", description: "Task queue to serve [TEMPORAL_TASK_QUEUE]" },
  workflows: { type: "string", valueName: "MODULE", description: "Module exporting the workflow functions" },
  activities: { type: "string", valueName: "MODULE", description: "Module exporting the activity functions" },
  config: { type: "string", valueName: "FILE", description: "Worker config file [TEMPORAL_WORKER_CONFIG; default ./temporal-worker.config.{ts,js,mjs,json}]" },
  profile: { type: "string", valueName: "NAME", description: "Profile of Temporal's TOML config [TEMPORAL_PROFILE; file TEMPORAL_CONFIG_FILE]" },
  "api-key": { type: "string", valueName: "KEY", description: "API key, sent as a bearer token; turns TLS on [TEMPORAL_API_KEY]" },
  tls: { type: "boolean", description: "Use TLS (--tls=false to force plaintext) [TEMPORAL_TLS]" },
  "tls-ca-path": { type: "string", valueName: "FILE", description: "Server CA certificate, PEM [TEMPORAL_TLS_SERVER_CA_CERT_PATH]" },
  "tls-cert-path": { type: "string", valueName: "FILE", description: "Client certificate for mTLS, PEM [TEMPORAL_TLS_CLIENT_CERT_PATH]" },
  "tls-key-path": { type: "string", valueName: "FILE", description: "Client private key for mTLS, PEM [TEMPORAL_TLS_CLIENT_KEY_PATH]" },
  "tls-server-name": { type: "string", valueName: "NAME", description: "Server name to verify and send as SNI [TEMPORAL_TLS_SERVER_NAME]" },
  "health-address": { type: "string", valueName: "HOST:PORT", description: 'Health and metrics endpoint, or "off" [TEMPORAL_WORKER_HEALTH_ADDRESS; default 0.0.0.0:9233]' },
  "max-concurrent-workflow-task-executions": { type: "string", valueName: "N", description: "Workflow tasks processed at once" },
  "max-concurrent-activity-task-executions": { type: "string", valueName: "N", description: "Activities run at once" },
  "max-activities-per-second": { type: "string", valueName: "N", description: "Activities this worker starts per second, at most" },
  "shutdown-grace-time": { type: "string", valueName: "DURATION", description: "Time in-flight tasks get to finish after a signal [default 10s]" },
  "shutdown-force-time": { type: "string", valueName: "DURATION", description: "Extra time before giving up on the drain [default 5s]" },
  identity: { type: "string", valueName: "TEXT", description: "Worker identity shown in histories [default pid@host]" },
  "log-level": { type: "string", valueName: "LEVEL", description: "TRACE, DEBUG, INFO, WARN or ERROR [TEMPORAL_WORKER_LOG_LEVEL; default INFO]" },
  "log-format": { type: "string", valueName: "FORMAT", description: "json, pretty or auto (pretty on a terminal) [TEMPORAL_WORKER_LOG_FORMAT]" },
  dev: { type: "boolean", description: "Start the embedded dev server, serve examples/ and run the example workflow" },
};

export const runCommand: Command = {
  name: "run",
  summary: "Run worker entities until SIGINT/SIGTERM (the default command)",
  usage: "worker [run] [options]",
  options: runOptions,
  run: (args, platform) => runWorker(args.values as Record<string, string | boolean | undefined>, platform, dependencies),
};

registerCommand(runCommand);
setDefaultCommand("run");

/** The run command's body, callable with explicit dependencies (tests pass fakes). */
export async function runWorker(flags: Record<string, string | boolean | undefined>, platform: Platform, deps: RunDependencies): Promise<number> {
  const dev = flags.dev === true;
  let config: ResolvedWorkerConfig;
  try {
    config = await resolveWorkerConfig(flags, platform, { dev });
  } catch (err) {
    if (err instanceof ConfigError) {
      platform.write("stderr", `error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logFormat = config.logFormat === "auto" ? (platform.isTerminal() ? "pretty" : "json") : config.logFormat;
  const logger = createLogger({ write: (line) => platform.write("stdout", line), level: config.logLevel, format: logFormat });
  const factory = deps.entityFactory;
  if (!factory) {
    logger.error("this build has no worker implementation registered: the entry point must call provideRunDependencies({ entityFactory }) before running the CLI");
    return 1;
  }
  const registry = createMetricRegistry();
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => logger.warn("cleanup failed", { error: err }));
  };

  let devRun: Awaited<ReturnType<typeof startDev>> | undefined;
  if (dev) {
    if (!deps.dev) {
      logger.error("--dev is not available in this build: the embedded dev server has not been plugged in (provideRunDependencies({ dev }))");
      return 1;
    }
    devRun = await startDev(deps.dev, platform, logger);
    cleanups.push(() => (devRun as { close(): Promise<void> }).close());
    config = { ...config, address: devRun.address, tls: undefined, apiKey: undefined };
    if (config.entities.length === 0) config.entities = [exampleEntity()];
  }

  const connection: Connection = connect(
    { address: config.address, namespace: config.namespace, tls: config.tls ?? false, ...(config.apiKey ? { apiKey: config.apiKey } : {}), metadata: config.metadata },
    platform,
  );
  const identity = config.identity ?? `${platform.pid()}@${platform.hostname()}`;
  logger.info("starting worker process", {
    runtime: platform.runtime,
    runtimeVersion: platform.runtimeVersion,
    address: config.address,
    namespace: config.namespace,
    tls: config.tls !== undefined,
    authenticated: config.apiKey !== undefined,
    identity,
    taskQueues: config.entities.map((e) => `${e.taskQueue} (${rolesOf(e).join("+")})`),
    configFile: config.files.workerConfig,
    temporalConfigFile: config.files.temporalConfig,
  });

  // Served before the entities are built, so probes reach a starting process
  // (503, state STARTING) rather than a closed port.
  const probe = createServerProbe({
    // A bounded call (the connection retries within it), so an outage shows within seconds.
    check: (signal) => connection.workflowService.getSystemInfo({}, { signal, timeoutMs: 3_000 }),
    address: config.address,
    logger,
  });
  let workerProcess: WorkerProcess | undefined;
  const readiness = (): ReadinessReport =>
    workerProcess?.readiness() ?? { ready: false, state: "STARTING", server: probe.status(), entities: [], failures: [] };
  const stopEarly = async (): Promise<number> => {
    probe.stop();
    await connection.close();
    await cleanup();
    return 1;
  };

  let health: HttpServer | undefined;
  if (config.health) {
    try {
      health = await serveHealth({
        platform,
        hostname: config.health.hostname,
        port: config.health.port,
        source: { readiness, metrics: () => registry.render() },
      });
    } catch (err) {
      logger.error(err instanceof Error ? err.message : String(err));
      return stopEarly();
    }
    const server = health;
    cleanups.push(() => server.close());
    logger.info(`health endpoint at ${healthUrl(server)}/readyz (also /healthz and /metrics)`, { healthUrl: healthUrl(server) });
  }

  const probing = probe.run();
  const entities: WorkerEntity[] = [];
  for (const spec of config.entities) {
    try {
      const activities = spec.activitiesPath ? await loadActivities(platform, spec.activitiesPath) : undefined;
      const entity = await factory({
        spec,
        activities,
        connection,
        namespace: config.namespace,
        identity,
        platform,
        logger: logger.withAttributes({ taskQueue: spec.taskQueue }),
        meter: registry.withLabels({ namespace: config.namespace, task_queue: spec.taskQueue }),
        shutdownGraceTimeMs: config.shutdownGraceTimeMs,
      });
      entities.push(entity);
    } catch (err) {
      logger.error(`cannot create the worker for task queue "${spec.taskQueue}": ${err instanceof Error ? err.message : String(err)}`, {
        taskQueue: spec.taskQueue,
      });
      return stopEarly();
    }
  }

  const running = createWorkerProcess({
    entities,
    logger,
    shutdownGraceTimeMs: config.shutdownGraceTimeMs,
    shutdownForceTimeMs: config.shutdownForceTimeMs,
    close: () => connection.close(),
    server: () => probe.status(),
    onStateChange: (state) => {
      if (state === "STOPPING") probe.stop();
    },
  });
  workerProcess = running;

  const removeSignals = handleShutdownSignals(platform, running, logger);
  const outcome = running.run();
  if (devRun) {
    const taskQueue = config.entities[0]?.taskQueue as string;
    devRun
      .runExample({ connection, namespace: config.namespace, taskQueue, logger })
      .then((result) => {
        // One write, so a reader that sees the result also sees the URLs after it.
        const urls = health ? `Health: ${healthUrl(health)}/readyz   Metrics: ${healthUrl(health)}/metrics\n` : "";
        platform.write("stdout", `\nExample workflow result: ${JSON.stringify(result)}\n${urls}Serving examples/ on the dev server; press Ctrl-C to stop.\n\n`);
      })
      .catch((err: unknown) => logger.error("the example workflow failed", { error: err }));
  }
  const { exitCode, failures } = await outcome;
  probe.stop();
  await probing;
  removeSignals();
  await cleanup();
  if (failures.length > 0) {
    logger.error("worker process stopped with failures", { failures: failures.map((f) => `${f.taskQueue}: ${f.error}`) });
  }
  return exitCode;
}

function healthUrl(server: HttpServer): string {
  const host = server.hostname === "0.0.0.0" || server.hostname === "::" ? "localhost" : server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
  return `http://${host}:${server.port}`;
}

async function loadActivities(platform: Platform, path: string): Promise<Record<string, (...args: never[]) => unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = await platform.importModule(path);
  } catch (err) {
    throw new Error(`cannot import the activities module "${path}" (${err instanceof Error ? err.message : String(err)}); check --activities or the config file's path`);
  }
  const fns = Object.fromEntries(Object.entries(mod).filter(([, value]) => typeof value === "function")) as Record<string, (...args: never[]) => unknown>;
  if (Object.keys(fns).length === 0) {
    throw new Error(`the activities module "${path}" exports no functions: export each activity by name`);
  }
  return fns;
}
