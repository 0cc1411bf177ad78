// The configuration area: flags > environment > worker config file > Temporal TOML profile.
export { resolveWorkerConfig, defaultHealthAddress, type EntitySpec, type ResolvedWorkerConfig, type RunFlags, type ConfigSources } from "./resolve.ts";
export { defineWorkerConfig, type WorkerConfigFile, type WorkerEntityConfig } from "./worker-config-file.ts";
export { loadTemporalProfile, type TemporalProfile } from "./temporal-profile.ts";
export { ConfigError, type ConfigIssue } from "./errors.ts";
export { parseToml, TomlError } from "./toml.ts";
export { parseDuration } from "./duration.ts";
