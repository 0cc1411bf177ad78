import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { type ConfigSources, type RunFlags, resolveWorkerConfig } from "../../src/config/resolve.ts";
import { type TestContext, test } from "../harness.ts";
import { testCertificates } from "../support/certs.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

/** A scratch folder with the given files, and config sources whose environment is exactly `env` (HOME inside the folder). */
function setup(t: TestContext, fileMap: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tew-config-"));
  t.defer(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(fileMap)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const fullEnv: Record<string, string> = { HOME: join(dir, "home"), ...env };
  const sources: ConfigSources = {
    env: (n) => fullEnv[n],
    envAll: () => fullEnv,
    readTextFile: (p) => platform.readTextFile(p),
    importModule: (p) => platform.importModule(p),
  };
  return { dir, sources, path: (name: string) => join(dir, name) };
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => assert.fail("expected a ConfigError"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
  return err;
}

const profileToml = `[profile.default]
address = "profile-host:7233"
namespace = "profile-ns"
[profile.staging]
address = "staging-host:7233"
`;

test("precedence: flags > environment > worker config file > Temporal TOML profile > defaults", async (t) => {
  const { sources, path } = setup(
    t,
    {
      "home/.config/temporalio/temporal.toml": profileToml,
      "w.json": JSON.stringify({ address: "file-host:7233", namespace: "file-ns", healthAddress: "127.0.0.1:9999", workers: [{ taskQueue: "q", activities: "./acts.js" }] }),
    },
    { TEMPORAL_ADDRESS: "env-host:7233", TEMPORAL_WORKER_HEALTH_ADDRESS: "127.0.0.1:8888" },
  );
  const flags: RunFlags = { config: path("w.json"), address: "flag-host:7233" };
  const all = await resolveWorkerConfig(flags, sources);
  assert.equal(all.address, "flag-host:7233");
  assert.equal(all.namespace, "file-ns", "no flag or env: the file wins over the profile");
  assert.deepEqual(all.health, { hostname: "127.0.0.1", port: 8888 }, "env over file");
  const noFlag = await resolveWorkerConfig({ config: path("w.json") }, sources);
  assert.equal(noFlag.address, "env-host:7233");

  const profileOnly = setup(t, { "home/.config/temporalio/temporal.toml": profileToml });
  const p = await resolveWorkerConfig({ "task-queue": "q", activities: "a.js" }, profileOnly.sources);
  assert.equal(p.address, "profile-host:7233");
  assert.equal(p.namespace, "profile-ns");
  assert.equal(p.files.temporalConfig, profileOnly.path("home/.config/temporalio/temporal.toml"));
  const staging = await resolveWorkerConfig({ "task-queue": "q", activities: "a.js", profile: "staging" }, profileOnly.sources);
  assert.equal(staging.address, "staging-host:7233");
  assert.equal(staging.namespace, "default", "defaults fill what no source gives");
  assert.deepEqual(staging.health, { hostname: "0.0.0.0", port: 9233 }, "the documented default health address");
  assert.equal(staging.shutdownGraceTimeMs, 10_000);
  assert.equal(staging.tls, undefined);
});

test("a config file declares several entities; module paths are relative to it", async (t) => {
  const { sources, path } = setup(t, {
    "conf/temporal-worker.config.json": JSON.stringify({
      shutdownGraceTime: "30s",
      logLevel: "debug",
      workers: [
        { taskQueue: "orders", workflows: "./orders/workflows.ts", activities: "orders/activities.ts", maxConcurrentActivityTaskExecutions: 20, maxActivitiesPerSecond: 5.5 },
        { taskQueue: "emails", activities: "/abs/emails.js", maxTaskQueueActivitiesPerSecond: 100 },
      ],
    }),
  });
  const c = await resolveWorkerConfig({ config: path("conf/temporal-worker.config.json") }, sources);
  assert.equal(c.shutdownGraceTimeMs, 30_000);
  assert.equal(c.logLevel, "DEBUG");
  assert.deepEqual(c.entities, [
    {
      taskQueue: "orders",
      workflowsPath: path("conf/orders/workflows.ts"),
      activitiesPath: path("conf/orders/activities.ts"),
      maxConcurrentActivityTaskExecutions: 20,
      maxActivitiesPerSecond: 5.5,
    },
    { taskQueue: "emails", activitiesPath: "/abs/emails.js", maxTaskQueueActivitiesPerSecond: 100 },
  ]);
});

test("a .mjs config file is imported (default export); flags override its single worker", async (t) => {
  const { sources, path } = setup(t, {
    "temporal-worker.config.mjs": `export default { namespace: "from-module", workers: [{ taskQueue: "a", workflows: "./wf.js" }] };\n`,
  });
  const c = await resolveWorkerConfig({ config: path("temporal-worker.config.mjs"), "task-queue": "b", activities: "./x.js" }, sources);
  assert.equal(c.namespace, "from-module");
  assert.deepEqual(c.entities, [{ taskQueue: "b", workflowsPath: path("wf.js"), activitiesPath: "./x.js" }]);
});

test("each config error names the source, the bad value and the fix, all at once", async (t) => {
  const { sources } = setup(t, {}, { TEMPORAL_ADDRESS: "http://localhost:7233", TEMPORAL_TLS: "maybe" });
  const err = await configError(
    resolveWorkerConfig({ "health-address": "9233", "shutdown-grace-time": "soon", "log-level": "loud", "max-concurrent-activity-task-executions": "0" }, sources),
  );
  const text = err.message;
  assert.match(text, /TEMPORAL_ADDRESS: must be "host:port", for example "localhost:7233" \(no scheme, no path\) \(got "http:\/\/localhost:7233"\)/);
  assert.match(text, /TEMPORAL_TLS: must be true, false, 1 or 0 \(got "maybe"\)/);
  assert.match(text, /--health-address: must be "HOST:PORT" .* or "off" \(got "9233"\)/);
  assert.match(text, /--shutdown-grace-time: must be a duration such as "500ms", "30s" or "2m" \(got "soon"\)/);
  assert.match(text, /--log-level: must be one of TRACE, DEBUG, INFO, WARN, ERROR \(got "loud"\)/);
  assert.match(text, /--max-concurrent-activity-task-executions: must be a positive whole number \(got "0"\)/);
  assert.match(text, /--task-queue: no task queue: give --task-queue NAME \(or TEMPORAL_TASK_QUEUE\)/);
  assert.match(text, /nothing to serve: give a workflows module \(--workflows\), an activities module \(--activities\), or both/);
  assert.equal(err.issues.length, 8);
});

test("config file mistakes: unknown settings, wrong types, conflicts, duplicates", async (t) => {
  const { sources, path } = setup(t, {
    "typo.json": JSON.stringify({ workers: [{ taskQueue: "q", activites: "./a.js" }] }),
    "types.json": JSON.stringify({ workers: [{ taskQueue: "", activities: "./a.js", maxConcurrentActivityTaskExecutions: 2.5 }] }),
    "two.json": JSON.stringify({ workers: [{ taskQueue: "a", activities: "./a.js" }, { taskQueue: "a", workflows: "./w.js" }] }),
    "broken.json": "{ workers: [",
  });
  assert.match((await configError(resolveWorkerConfig({ config: path("typo.json") }, sources))).message, /typo\.json: workers\[0\]\.activites: unknown setting; remove it or check its spelling/);
  const types = (await configError(resolveWorkerConfig({ config: path("types.json") }, sources))).message;
  assert.match(types, /workers\[0\]\.taskQueue: must not be empty \(the task queue name\) \(got ""\)/);
  assert.match(types, /workers\[0\]\.maxConcurrentActivityTaskExecutions: must be a whole number \(got 2\.5\)/);
  const two = await configError(resolveWorkerConfig({ config: path("two.json"), "task-queue": "x" }, sources));
  assert.match(two.message, /--task-queue: cannot apply to .*two\.json, which declares 2 workers/);
  assert.match(two.message, /task queue "a" is declared twice: merge the two workers/);
  assert.match((await configError(resolveWorkerConfig({ config: path("broken.json") }, sources))).message, /broken\.json: not valid JSON/);
  assert.match((await configError(resolveWorkerConfig({ config: path("missing.json") }, sources))).message, /--config: config file ".*missing\.json" does not exist; check the path/);
});

test("secrets never appear in error output", async (t) => {
  const apiKey = "sk-live-0123456789-SECRET";
  const privateKey = "super-secret-private-key-material";
  const { sources, path } = setup(t, { "w.json": JSON.stringify({ apiKey: 12345678, workers: [{ taskQueue: "q", activities: "a.js" }] }) }, {
    TEMPORAL_API_KEY: apiKey,
    TEMPORAL_ADDRESS: "bad address",
    TEMPORAL_TLS_CLIENT_KEY_DATA: privateKey,
    TEMPORAL_TLS_CLIENT_CERT_DATA: "also-not-pem",
  });
  // The file is checked first: its wrong-typed key is named, not shown.
  const fileErr = await configError(resolveWorkerConfig({ config: path("w.json") }, sources));
  assert.match(fileErr.message, /w\.json: apiKey: must be a string$/m);
  const envErr = await configError(resolveWorkerConfig({ "task-queue": "q", activities: "a.js" }, sources));
  assert.match(envErr.message, /TEMPORAL_ADDRESS: must be "host:port"/);
  assert.match(envErr.message, /TEMPORAL_TLS_CLIENT_KEY_DATA: must be PEM text/);
  for (const text of [fileErr.message, envErr.message]) {
    for (const secret of [apiKey, privateKey, "12345678"]) assert.ok(!text.includes(secret), `leaked ${secret}`);
  }
});

test("TLS and mTLS from files, environment flags and metadata", async (t) => {
  const certs = testCertificates();
  const { sources, path } = setup(
    t,
    { "ca.pem": certs.caCert, "client.pem": certs.clientCert, "client.key": certs.clientKey, "not-pem.txt": "hello" },
    { TEMPORAL_GRPC_META_X_TEAM: "payments" },
  );
  const base = { "task-queue": "q", activities: "a.js" };
  const mtls = await resolveWorkerConfig({ ...base, "tls-ca-path": path("ca.pem"), "tls-cert-path": path("client.pem"), "tls-key-path": path("client.key"), "tls-server-name": "temporal.test" }, sources);
  assert.deepEqual(mtls.tls, { serverRootCaCert: certs.caCert, clientCert: certs.clientCert, clientPrivateKey: certs.clientKey, serverNameOverride: "temporal.test" });
  assert.deepEqual(mtls.metadata, { "x-team": "payments" });
  const keyOnly = await resolveWorkerConfig({ ...base, "api-key": "k" }, sources);
  assert.deepEqual(keyOnly.tls, {}, "an API key turns TLS on with the system roots");
  assert.equal(keyOnly.apiKey, "k");
  const forcedOff = await resolveWorkerConfig({ ...base, "api-key": "k", tls: false }, sources);
  assert.equal(forcedOff.tls, undefined);
  const err = await configError(resolveWorkerConfig({ ...base, "tls-cert-path": path("client.pem"), "tls-ca-path": path("nope.pem") }, sources));
  assert.match(err.message, /--tls-cert-path: mTLS needs both a client certificate and its private key: also set --tls-key-path/);
  assert.match(err.message, /--tls-ca-path: cannot read the server CA certificate at ".*nope\.pem" \(no such file\); check the path/);
  const notPem = await configError(resolveWorkerConfig({ ...base, "tls-ca-path": path("not-pem.txt") }, sources));
  assert.match(notPem.message, /is not PEM \(no -----BEGIN line\)/);
  assert.ok(!notPem.message.includes("hello"), "file contents are not echoed");
});

test("--health-address off turns the endpoint off; --dev needs no entities", async (t) => {
  const { sources } = setup(t, {});
  const off = await resolveWorkerConfig({ "task-queue": "q", workflows: "w.js", "health-address": "off" }, sources);
  assert.equal(off.health, undefined);
  const dev = await resolveWorkerConfig({}, sources, { dev: true });
  assert.deepEqual(dev.entities, []);
  const v6 = await resolveWorkerConfig({ "task-queue": "q", workflows: "w.js", "health-address": "[::1]:0" }, sources);
  assert.deepEqual(v6.health, { hostname: "::1", port: 0 });
});
