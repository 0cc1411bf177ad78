import { Code, ConnectError } from "@connectrpc/connect";
import { ServiceError } from "../common/errors.ts";

/** Status codes worth retrying for an ordinary call, as Temporal's SDKs do. */
export const retryableCodes: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.Internal,
  Code.Unknown,
  Code.Aborted,
  Code.DataLoss,
  Code.OutOfRange,
  Code.ResourceExhausted,
]);

/**
 * Builds the ServiceError a caller sees for a failed call: the status code is
 * kept, and the message says where we tried to go and what the user can do.
 */
export function toServiceError(err: unknown, context: { address: string; method: string; tls: boolean }): ServiceError {
  if (err instanceof ServiceError) return err;
  const ce = ConnectError.from(err);
  const { address, method } = context;
  const transport = transportProblem(ce);
  let message: string;
  if (transport === "refused") {
    message = `cannot reach Temporal at ${address} (connection refused): is the server running? Set TEMPORAL_ADDRESS or --address`;
  } else if (transport === "dns") {
    message = `cannot reach Temporal at ${address} (host name not found): check the host in TEMPORAL_ADDRESS or --address`;
  } else if (transport === "reset") {
    message = `cannot reach Temporal at ${address} (connection closed by the server${
      context.tls ? "" : "; if the server expects TLS, set TEMPORAL_TLS=true or --tls"
    })`;
  } else if (transport === "tls") {
    message = `TLS handshake with Temporal at ${address} failed (${ce.rawMessage}): check the CA certificate, the server name (TEMPORAL_TLS_SERVER_NAME) and the client certificate`;
  } else if (ce.code === Code.Unauthenticated) {
    message = `${method}: the server did not accept our credentials (${ce.rawMessage}): check the API key (TEMPORAL_API_KEY) or the client certificate`;
  } else if (ce.code === Code.PermissionDenied) {
    message = `${method}: permission denied (${ce.rawMessage}): check that the API key or certificate may use this namespace`;
  } else if (ce.code === Code.DeadlineExceeded) {
    message = `${method}: no answer from Temporal at ${address} before the deadline (${ce.rawMessage})`;
  } else {
    message = `${method}: ${ce.rawMessage || Code[ce.code]}`;
  }
  return new ServiceError(message, ce.code, { method, cause: err });
}

type TransportProblem = "refused" | "dns" | "reset" | "tls" | undefined;

/** Looks through the error and its causes for the socket-level reason. */
function transportProblem(err: ConnectError): TransportProblem {
  const texts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 6; depth++) {
    if (typeof cur === "object") {
      const o = cur as { code?: unknown; message?: unknown; cause?: unknown; errno?: unknown };
      texts.push(String(o.code ?? ""), String(o.message ?? ""), String(o.errno ?? ""));
      cur = o.cause;
    } else {
      texts.push(String(cur));
      break;
    }
  }
  const all = texts.join(" ");
  if (/ECONNREFUSED|Connection refused|ConnectionRefused/i.test(all)) return "refused";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|failed to lookup|dns error/i.test(all)) return "dns";
  if (/CERT|certificate|SSL|TLS|handshake|self[- ]signed/i.test(all)) return "tls";
  if (/ECONNRESET|EPIPE|socket hang up|ConnectionReset|stream closed|session closed|GOAWAY/i.test(all)) return "reset";
  return undefined;
}
