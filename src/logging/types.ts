// The logger contract every part of the worker logs through. Same shape as
// @temporalio/common's Logger, so users can pass the logger they already have.
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";

/** Attributes are identifiers and counts; never payload contents, task tokens or secrets. */
export type LogMetadata = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, message: string, meta?: LogMetadata): void;
  trace(message: string, meta?: LogMetadata): void;
  debug(message: string, meta?: LogMetadata): void;
  info(message: string, meta?: LogMetadata): void;
  warn(message: string, meta?: LogMetadata): void;
  error(message: string, meta?: LogMetadata): void;
}
