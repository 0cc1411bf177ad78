import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { defaultTemporalConfigFiles, loadTemporalProfile } from "../../src/config/temporal-profile.ts";
import { test } from "../harness.ts";

function files(map: Record<string, string>) {
  return async (path: string) => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file ${path}`), { code: "ENOENT" });
    return text;
  };
}

const toml = `[profile.default]
address = "127.0.0.1:7233"
[profile.cloud]
address = "ns.acct.tmprl.cloud:7233"
namespace = "ns.acct"
api_key = "secret-key"
[profile.cloud.tls]
server_name = "ns.acct.tmprl.cloud"
[profile.cloud.grpc_meta]
X_Custom_Header = "v"
`;

test("the default file is temporalio/temporal.toml in the user's config folder", async () => {
  const env = { HOME: "/home/ada" } as Record<string, string>;
  assert.deepEqual(defaultTemporalConfigFiles((n) => env[n]), [
    "/home/ada/.config/temporalio/temporal.toml",
    "/home/ada/Library/Application Support/temporalio/temporal.toml",
  ]);
  const loaded = await loadTemporalProfile({ env: (n) => env[n], readTextFile: files({ "/home/ada/.config/temporalio/temporal.toml": toml }) });
  assert.equal(loaded.file, "/home/ada/.config/temporalio/temporal.toml");
  assert.equal(loaded.name, "default");
  assert.deepEqual(loaded.profile, { address: "127.0.0.1:7233" });
  const xdg = { HOME: "/home/ada", XDG_CONFIG_HOME: "/xdg" } as Record<string, string>;
  assert.equal(defaultTemporalConfigFiles((n) => xdg[n])[0], "/xdg/temporalio/temporal.toml");
});

test("TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE pick the file and profile; metadata keys are normalised", async () => {
  const env = { TEMPORAL_CONFIG_FILE: "/etc/t.toml", TEMPORAL_PROFILE: "cloud" } as Record<string, string>;
  const loaded = await loadTemporalProfile({ env: (n) => env[n], readTextFile: files({ "/etc/t.toml": toml }) });
  assert.deepEqual(loaded.profile, {
    address: "ns.acct.tmprl.cloud:7233",
    namespace: "ns.acct",
    apiKey: "secret-key",
    tls: { serverName: "ns.acct.tmprl.cloud" },
    grpcMeta: { "x-custom-header": "v" },
  });
});

test("no file and no profile asked for is fine; an asked-for profile that is missing is an error", async () => {
  const none = await loadTemporalProfile({ env: () => undefined, readTextFile: files({}) });
  assert.deepEqual(none, { profile: {}, file: undefined, name: "default" });
  const env = { TEMPORAL_CONFIG_FILE: "/etc/t.toml", TEMPORAL_PROFILE: "staging" } as Record<string, string>;
  await assert.rejects(
    loadTemporalProfile({ env: (n) => env[n], readTextFile: files({ "/etc/t.toml": toml }) }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.includes('TEMPORAL_PROFILE: profile "staging" not found in /etc/t.toml (profiles there: default, cloud); add [profile.staging]'),
  );
  await assert.rejects(
    loadTemporalProfile({ env: () => undefined, readTextFile: files({}), configFile: "/nope.toml", profile: "x" }),
    /--profile: profile "x" not found: \/nope\.toml does not exist/,
  );
});

test("bad TOML and bad field types name the file, line and field", async () => {
  const env = { TEMPORAL_CONFIG_FILE: "/t.toml" } as Record<string, string>;
  await assert.rejects(
    loadTemporalProfile({ env: (n) => env[n], readTextFile: files({ "/t.toml": "[profile.default]\naddress = localhost\n" }) }),
    /\/t\.toml: not valid TOML: line 2, column 11: expected a value/,
  );
  await assert.rejects(
    loadTemporalProfile({ env: (n) => env[n], readTextFile: files({ "/t.toml": "[profile.default.tls]\ndisabled = \"yes\"\n" }) }),
    /\/t\.toml: profile\.default\.tls\.disabled: must be true or false/,
  );
});
