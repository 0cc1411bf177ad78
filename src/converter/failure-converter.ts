// Error <-> temporal.api.failure.v1.Failure, with the classes, fields and
// wire shape of @temporalio/common's DefaultFailureConverter, so failures
// cross between this worker and the official SDKs in both directions.
import { create } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import {
  ActivityTypeSchema,
  PayloadsSchema,
  WorkflowExecutionSchema,
  WorkflowTypeSchema,
} from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Payload, Payloads } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type Failure, FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { msToDurationMessage } from "../common/duration.ts";
import {
  decodeApplicationFailureCategory,
  decodeRetryState,
  decodeTimeoutType,
  encodeApplicationFailureCategory,
  encodeRetryState,
  encodeTimeoutType,
} from "../failure/enums.ts";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  isError,
  NexusOperationFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from "../failure/failures.ts";
import { FAILURE_SOURCE } from "../failure/source.ts";
import { arrayFromPayloads, fromPayloadsAtIndex, toPayloads } from "./payload-helpers.ts";
import type { FailureConverter, PayloadConverter } from "./types.ts";

export interface DefaultFailureConverterOptions {
  /**
   * Moves each failure's message and stack trace into `encodedAttributes` (a
   * payload, so payload codecs encrypt it) and leaves "Encoded failure" in
   * their place. Default false.
   */
  encodeCommonAttributes?: boolean;
}

/** What `encodedAttributes` holds when encodeCommonAttributes is on; the keys are cross-SDK. */
export interface DefaultEncodedFailureAttributes {
  message: string;
  stack_trace: string;
}

const ENCODED_MESSAGE = "Encoded failure";

export class DefaultFailureConverter implements FailureConverter {
  readonly options: { readonly encodeCommonAttributes: boolean };

  constructor(options: DefaultFailureConverterOptions = {}) {
    this.options = { encodeCommonAttributes: options.encodeCommonAttributes ?? false };
  }

  errorToFailure(err: unknown, payloadConverter: PayloadConverter): Failure {
    return this.toFailure(err, payloadConverter, new Set());
  }

  failureToError(failure: Failure, payloadConverter: PayloadConverter): Error {
    let message = failure.message;
    let stack = failure.stackTrace;
    if (failure.encodedAttributes !== undefined) {
      const attrs = payloadConverter.fromPayload<unknown>(failure.encodedAttributes);
      // Only a record of the expected shape overrides; anything else is ignored, as other SDKs do.
      if (typeof attrs === "object" && attrs !== null) {
        const { message: m, stack_trace: s } = attrs as Partial<Record<keyof DefaultEncodedFailureAttributes, unknown>>;
        if (typeof m === "string") message = m;
        if (typeof s === "string") stack = s;
      }
    }
    const err = this.toError(failure, message, payloadConverter);
    err.stack = stack;
    if (err instanceof TemporalFailure) err.failure = failure;
    return err;
  }

  private toError(failure: Failure, message: string, pc: PayloadConverter): Error {
    const cause = failure.cause === undefined ? undefined : this.failureToError(failure.cause, pc);
    const info = failure.failureInfo;
    switch (info.case) {
      case "applicationFailureInfo": {
        const v = info.value;
        return new ApplicationFailure(
          message,
          v.type,
          v.nonRetryable,
          arrayFromPayloads(pc, v.details?.payloads),
          cause,
          v.nextRetryDelay === undefined ? undefined : durationMs(v.nextRetryDelay),
          decodeApplicationFailureCategory(v.category),
        );
      }
      case "serverFailureInfo":
        return new ServerFailure(message, info.value.nonRetryable, cause);
      case "timeoutFailureInfo":
        return new TimeoutFailure(
          message,
          fromPayloadsAtIndex(pc, 0, info.value.lastHeartbeatDetails?.payloads),
          decodeTimeoutType(info.value.timeoutType),
        );
      case "terminatedFailureInfo":
        return new TerminatedFailure(message, cause);
      case "canceledFailureInfo":
        return new CancelledFailure(message, arrayFromPayloads(pc, info.value.details?.payloads), cause);
      case "resetWorkflowFailureInfo":
        return new ApplicationFailure(
          message,
          "ResetWorkflow",
          false,
          arrayFromPayloads(pc, info.value.lastHeartbeatDetails?.payloads),
          cause,
        );
      case "childWorkflowExecutionFailureInfo": {
        const v = info.value;
        return new ChildWorkflowFailure(
          v.namespace || undefined,
          { workflowId: v.workflowExecution?.workflowId ?? "", runId: v.workflowExecution?.runId ?? "" },
          v.workflowType?.name ?? "",
          decodeRetryState(v.retryState),
          cause,
        );
      }
      case "activityFailureInfo": {
        const v = info.value;
        return new ActivityFailure(
          message,
          v.activityType?.name ?? "",
          v.activityId || undefined,
          decodeRetryState(v.retryState),
          v.identity || undefined,
          cause,
        );
      }
      case "nexusOperationExecutionFailureInfo": {
        const v = info.value;
        return new NexusOperationFailure(
          message,
          v.scheduledEventId === 0n ? undefined : Number(v.scheduledEventId),
          v.endpoint,
          v.service,
          v.operation,
          v.operationToken || undefined,
          cause,
        );
      }
      default:
        // Nexus handler failures and unknown kinds keep their proto in `.failure`.
        return new TemporalFailure(message, cause);
    }
  }

  private toFailure(err: unknown, pc: PayloadConverter, seen: Set<unknown>): Failure {
    seen.add(err);
    const failure = this.toFailureInner(err, pc, seen);
    // A failure passed through verbatim may be encoded already; encoding it
    // again would replace its real message with "Encoded failure".
    if (this.options.encodeCommonAttributes && failure.encodedAttributes === undefined) {
      const attrs: DefaultEncodedFailureAttributes = { message: failure.message, stack_trace: failure.stackTrace };
      failure.message = ENCODED_MESSAGE;
      failure.stackTrace = "";
      failure.encodedAttributes = pc.toPayload(attrs);
    }
    return failure;
  }

  private causeOf(err: { cause?: unknown }, pc: PayloadConverter, seen: Set<unknown>): Failure | undefined {
    const cause = err.cause;
    // A cause chain that loops back is cut where it repeats rather than recursing forever.
    if (cause === undefined || cause === null || cause === false || seen.has(cause)) return undefined;
    return this.toFailure(cause, pc, seen);
  }

  private toFailureInner(err: unknown, pc: PayloadConverter, seen: Set<unknown>): Failure {
    if (err instanceof TemporalFailure) {
      // A failure decoded from the server goes back exactly as it came, so
      // wrapping layers (activity -> workflow -> parent) never lose fields.
      // A copy: the encodeCommonAttributes step writes to it.
      if (err.failure) return { ...err.failure };
      const failure = create(FailureSchema, {
        message: err.message,
        stackTrace: err.stack ?? "",
        source: FAILURE_SOURCE,
      });
      const cause = this.causeOf(err, pc, seen);
      if (cause) failure.cause = cause;
      failure.failureInfo = this.failureInfoOf(err, pc);
      return failure;
    }
    if (isError(err)) {
      const failure = create(FailureSchema, {
        message: String(err.message ?? ""),
        stackTrace: err.stack ?? "",
        source: FAILURE_SOURCE,
      });
      const cause = this.causeOf(err, pc, seen);
      if (cause) failure.cause = cause;
      return failure;
    }
    return create(FailureSchema, { message: describeThrown(err), source: FAILURE_SOURCE });
  }

  private failureInfoOf(err: TemporalFailure, pc: PayloadConverter): Failure["failureInfo"] {
    if (err instanceof ActivityFailure) {
      return {
        case: "activityFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.ActivityFailureInfo",
          scheduledEventId: 0n,
          startedEventId: 0n,
          identity: err.identity ?? "",
          activityType: create(ActivityTypeSchema, { name: err.activityType }),
          activityId: err.activityId ?? "",
          retryState: encodeRetryState(err.retryState) ?? 0,
        },
      };
    }
    if (err instanceof ChildWorkflowFailure) {
      return {
        case: "childWorkflowExecutionFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.ChildWorkflowExecutionFailureInfo",
          namespace: err.namespace ?? "",
          workflowExecution: create(WorkflowExecutionSchema, {
            workflowId: err.execution.workflowId,
            runId: err.execution.runId ?? "",
          }),
          workflowType: create(WorkflowTypeSchema, { name: err.workflowType }),
          initiatedEventId: 0n,
          startedEventId: 0n,
          retryState: encodeRetryState(err.retryState) ?? 0,
        },
      };
    }
    if (err instanceof ApplicationFailure) {
      return {
        case: "applicationFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.ApplicationFailureInfo",
          type: err.type ?? "",
          nonRetryable: Boolean(err.nonRetryable),
          details: err.details && err.details.length > 0 ? payloadsOf(toPayloads(pc, ...err.details)) : undefined,
          nextRetryDelay:
            err.nextRetryDelay === undefined || err.nextRetryDelay === null
              ? undefined
              : msToDurationMessage(err.nextRetryDelay, "ApplicationFailure.nextRetryDelay"),
          category: encodeApplicationFailureCategory(err.category) ?? 0,
        },
      };
    }
    if (err instanceof CancelledFailure) {
      return {
        case: "canceledFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.CanceledFailureInfo",
          details: err.details.length > 0 ? payloadsOf(toPayloads(pc, ...err.details)) : undefined,
          identity: "",
        },
      };
    }
    if (err instanceof TimeoutFailure) {
      return {
        case: "timeoutFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.TimeoutFailureInfo",
          timeoutType: encodeTimeoutType(err.timeoutType) ?? 0,
          lastHeartbeatDetails:
            err.lastHeartbeatDetails === undefined ? undefined : payloadsOf(toPayloads(pc, err.lastHeartbeatDetails)),
        },
      };
    }
    if (err instanceof ServerFailure) {
      return {
        case: "serverFailureInfo",
        value: { $typeName: "temporal.api.failure.v1.ServerFailureInfo", nonRetryable: err.nonRetryable },
      };
    }
    if (err instanceof TerminatedFailure) {
      return { case: "terminatedFailureInfo", value: { $typeName: "temporal.api.failure.v1.TerminatedFailureInfo", identity: "" } };
    }
    if (err instanceof NexusOperationFailure) {
      return {
        case: "nexusOperationExecutionFailureInfo",
        value: {
          $typeName: "temporal.api.failure.v1.NexusOperationFailureInfo",
          scheduledEventId: BigInt(err.scheduledEventId ?? 0),
          endpoint: err.endpoint,
          service: err.service,
          operation: err.operation,
          operationId: "",
          operationToken: err.operationToken ?? "",
        },
      };
    }
    return { case: undefined };
  }
}

function payloadsOf(payloads: Payload[]): Payloads {
  return create(PayloadsSchema, { payloads });
}

/** A message for a thrown non-Error value, with advice, as no stack trace exists for it. */
function describeThrown(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "object" && value !== null) {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  } else text = String(value);
  return `${text} [a non-Error value was thrown; throw an Error (such as ApplicationFailure) to keep a stack trace]`;
}

export const defaultFailureConverter: FailureConverter = new DefaultFailureConverter();
