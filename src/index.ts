// The runtime-agnostic public API. Users import "temporal-edge-worker", which
// resolves (by the package's export conditions) to the entry of their
// runtime in src/adapters/<runtime>/index.ts: the same names, with the
// runtime's Platform already bound.
export { type Connection, connect, type WorkflowServiceClient, type OperatorServiceClient } from "./connection/connection.ts";
export type { ConnectionOptions, RetryOptions } from "./connection/options.ts";
export { Code, ServiceError } from "./common/errors.ts";
export { VERSION } from "./common/version.ts";

// ---- for adapters and advanced use ----
export type { Platform, TlsConfig, GrpcChannel, GrpcChannelOptions, HttpServer, ServeHttpOptions } from "./platform/platform.ts";
export { runCli } from "./cli/main.ts";
