// Certificates made fresh for each test run with the openssl command line
// (present on every machine this project targets): a CA, a server
// certificate for localhost/127.0.0.1 and a client certificate, both signed by the CA.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

let cached: TestCertificates | undefined;

export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "tew-certs-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=temporal-edge-worker test CA");
    writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,DNS:temporal.test,IP:127.0.0.1\n");
    run("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
    writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
    run("req", ...ec, "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=test-client");
    run("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "2", "-extfile", "client.ext");
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    cached = {
      caCert: read("ca.crt"),
      serverCert: read("server.crt"),
      serverKey: read("server.key"),
      clientCert: read("client.crt"),
      clientKey: read("client.key"),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
