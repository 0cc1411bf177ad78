import assert from "node:assert/strict";
import { resolveConnectionOptions } from "../../src/connection/options.ts";
import { test } from "../harness.ts";

test("defaults: localhost:7233, namespace default, plaintext, retries on", () => {
  const o = resolveConnectionOptions();
  assert.equal(o.address, "localhost:7233");
  assert.equal(o.namespace, "default");
  assert.equal(o.tls, undefined);
  assert.equal(o.retry?.maxAttempts, 10);
  assert.equal(o.callTimeoutMs, 10_000);
  assert.equal(o.longPollTimeoutMs, 70_000);
});

test("an API key turns TLS on unless tls is false", () => {
  assert.deepEqual(resolveConnectionOptions({ apiKey: "k" }).tls, {});
  assert.equal(resolveConnectionOptions({ apiKey: "k", tls: false }).tls, undefined);
});

test("a bad address names the field, the value and the expected form", () => {
  assert.throws(
    () => resolveConnectionOptions({ address: "http://localhost:7233" }),
    /address: must be "host:port", for example "localhost:7233" \(no scheme, no path\) \(got "http:\/\/localhost:7233"\)/,
  );
});

test("an unknown option is named", () => {
  assert.throws(() => resolveConnectionOptions({ adress: "x:1" } as never), /adress: unknown option/);
});

test("a certificate given as a path is rejected without echoing it", () => {
  assert.throws(
    () => resolveConnectionOptions({ tls: { clientPrivateKey: "/etc/secret.key" } }),
    (err: Error) => /tls\.clientPrivateKey: must be PEM text/.test(err.message) && !err.message.includes("/etc/secret.key"),
  );
});

test("IPv6 addresses in brackets are accepted", () => {
  assert.equal(resolveConnectionOptions({ address: "[::1]:7233" }).address, "[::1]:7233");
});
