import assert from "node:assert/strict";
import { parseToml, TomlError } from "../../src/config/toml.ts";
import { test } from "../harness.ts";

test("reads a temporal.toml with profiles, TLS tables, multi-line PEM and gRPC metadata", () => {
  const doc = parseToml(`# Temporal environment configuration
[profile.default]
address = "localhost:7233"   # local dev server
namespace = 'default'

[profile.prod]
address = "my-ns.a1b2c.tmprl.cloud:7233"
namespace = "my-ns.a1b2c"
api_key = "key\\u0041"

[profile.prod.tls]
server_name = "my-ns.a1b2c.tmprl.cloud"
client_cert_data = """
-----BEGIN CERTIFICATE-----
MIIB\\
    xyz
-----END CERTIFICATE-----"""
client_key_path = '''C:\\certs\\client.key'''

[profile.prod.grpc_meta]
"X-Team" = "payments"
tls.disabled = false
`);
  assert.deepEqual(doc, {
    profile: {
      default: { address: "localhost:7233", namespace: "default" },
      prod: {
        address: "my-ns.a1b2c.tmprl.cloud:7233",
        namespace: "my-ns.a1b2c",
        api_key: "keyA",
        tls: {
          server_name: "my-ns.a1b2c.tmprl.cloud",
          client_cert_data: "-----BEGIN CERTIFICATE-----\nMIIBxyz\n-----END CERTIFICATE-----",
          client_key_path: "C:\\certs\\client.key",
        },
        grpc_meta: { "X-Team": "payments", tls: { disabled: false } },
      },
    },
  });
});

test("numbers, booleans, arrays and inline tables", () => {
  assert.deepEqual(parseToml('a = 1_000\nb = -2.5e3\nc = true\nd = [1, "two", [3],\n  ]\ne = { x = 1, y.z = "w" }\nf = 0x1F\n'), {
    a: 1000,
    b: -2500,
    c: true,
    d: [1, "two", [3]],
    e: { x: 1, y: { z: "w" } },
    f: 31,
  });
});

test("errors say where and what", () => {
  const cases: Array<[string, RegExp]> = [
    ['[profile.a]\naddress = "x"\naddress = "y"\n', /line 3, column \d+: key "address" is defined twice/],
    ["[a]\n[a]\n", /line 2, column \d+: table \[a\] is defined twice/],
    ['name = "unterminated\n', /line 1, column \d+: unterminated string/],
    ["x = \n", /line 1, column 5: expected a value/],
    ["[[profile]]\n", /arrays of tables/],
    ["when = 2024-01-01\n", /expected a value/],
    ['a = "x" b = 1\n', /line 1, column 9: expected the end of the line/],
    ['a = "\\q"\n', /unknown escape \\q/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseToml(text), (err: unknown) => err instanceof TomlError && message.test(err.message), `for ${JSON.stringify(text)}`);
  }
});
