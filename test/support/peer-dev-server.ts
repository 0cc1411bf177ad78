// The dev server for tests whose peers include the official SDK (its Rust
// core and grpc-js clients).
//
// On Node and Bun it runs in the test process, on the suite's runtime. On
// Deno it runs in a Node child process (`node worker dev-server`): Deno 2.9's
// node:http2 server aborts the whole process (nghttp2 assertion
// `find_stream_on_goaway_func`, sometimes a segfault) when an official-SDK
// client sends GOAWAY while its streams are open, which the official worker
// does when it shuts down. Our own client and worker on Deno still talk to the
// Node-hosted server over real gRPC, and the Deno-hosted dev server is
// covered by the tests that use our clients only. See docs/runtimes.md.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { DevServer } from "../../src/dev-server/server.ts";
import { currentRuntime } from "../harness.ts";
import { projectRoot } from "./paths.ts";
import { runtimePlatform } from "./platform.ts";

export interface PeerDevServerOptions {
  timeSkipping?: boolean;
  namespaces?: readonly string[];
}

export async function startPeerDevServer(options: PeerDevServerOptions = {}): Promise<DevServer> {
  if (currentRuntime() !== "deno") {
    const { createDevServer } = await import("../../src/dev-server/server.ts");
    return createDevServer({ platform: await runtimePlatform(), port: 0, ...options });
  }
  return startNodeHostedDevServer(options);
}

async function startNodeHostedDevServer(options: PeerDevServerOptions): Promise<DevServer> {
  const args = [join(projectRoot, "worker.js"), "dev-server", "--port", "0"];
  if (options.timeSkipping) args.push("--time-skipping");
  for (const ns of options.namespaces ?? []) args.push("--namespace", ns);
  const child = spawn("node", args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node-hosted dev server did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node-hosted dev server exited with ${code}:\n${output}`));
    });
  });
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        // By pid: Deno's ChildProcess.kill marks the child killed even when it exits cleanly.
        process.kill(child.pid as number, "SIGTERM");
      });
      return closing;
    },
  };
}
