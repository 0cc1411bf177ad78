// The logging area: the Logger contract and the process's line logger.
export type { Logger, LogLevel, LogMetadata } from "./types.ts";
export { createLogger, parseLogLevel, logLevels, type LogFormat, type LoggerOptions } from "./logger.ts";
