// Typed errors of data conversion. Each message says which encoding (or
// codec) was involved, what was being converted, and what to do about it.
import { markFailureClass } from "../failure/instance-of.ts";

/** A value or payload that the converter could not handle. */
export class ValueError extends Error {
  override readonly cause: unknown;
  /** The payload encoding involved, e.g. "json/plain", when known. */
  readonly encoding: string | undefined;

  constructor(message: string, options: { cause?: unknown; encoding?: string | undefined } = {}) {
    super(message);
    this.cause = options.cause;
    this.encoding = options.encoding;
  }
}
// Same class names and instanceof markers as @temporalio/common, so code that
// catches the official ValueError or PayloadConverterError catches ours.
markFailureClass(ValueError, "ValueError");

/** A payload that could not be read, or a converter that is misconfigured. */
export class PayloadConverterError extends ValueError {}
markFailureClass(PayloadConverterError, "PayloadConverterError");

/** A payload codec that threw or returned something other than payloads. */
export class DataConverterError extends Error {
  override readonly cause: unknown;
  /** "encode" or "decode". */
  readonly operation: "encode" | "decode";
  /** The index of the failing codec in `payloadCodecs`; -1 when the chain as a whole changed the payload count. */
  readonly codecIndex: number;

  constructor(message: string, options: { cause?: unknown; operation: "encode" | "decode"; codecIndex: number }) {
    super(message);
    this.cause = options.cause;
    this.operation = options.operation;
    this.codecIndex = options.codecIndex;
  }
}
markFailureClass(DataConverterError, "DataConverterError");

/** A short description of a value for error messages, never its content (it may be secret). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  const type = typeof value;
  if (type === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "Object" ? `a ${name} object` : "an object";
  }
  if (type === "bigint") return "a BigInt";
  return type === "undefined" ? "undefined" : `a ${type}`;
}

/** The message of anything thrown, without a final period, for quoting inside a sentence. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\.+$/, "");
}
