// The string constants @temporalio/client users write ("ALLOW_DUPLICATE",
// "ACCEPTED", ...) and their mapping onto the generated protobuf enums.
import { QueryRejectCondition as QueryRejectConditionProto } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { UpdateWorkflowExecutionLifecycleStage } from "../../gen/temporal/api/enums/v1/update_pb.ts";
import {
  WorkflowExecutionStatus,
  WorkflowIdConflictPolicy as WorkflowIdConflictPolicyProto,
  WorkflowIdReusePolicy as WorkflowIdReusePolicyProto,
} from "../../gen/temporal/api/enums/v1/workflow_pb.ts";

export const WorkflowIdReusePolicy = {
  ALLOW_DUPLICATE: "ALLOW_DUPLICATE",
  ALLOW_DUPLICATE_FAILED_ONLY: "ALLOW_DUPLICATE_FAILED_ONLY",
  REJECT_DUPLICATE: "REJECT_DUPLICATE",
  TERMINATE_IF_RUNNING: "TERMINATE_IF_RUNNING",
} as const;
export type WorkflowIdReusePolicy = (typeof WorkflowIdReusePolicy)[keyof typeof WorkflowIdReusePolicy];

export const WorkflowIdConflictPolicy = {
  FAIL: "FAIL",
  USE_EXISTING: "USE_EXISTING",
  TERMINATE_EXISTING: "TERMINATE_EXISTING",
} as const;
export type WorkflowIdConflictPolicy = (typeof WorkflowIdConflictPolicy)[keyof typeof WorkflowIdConflictPolicy];

export const WorkflowUpdateStage = {
  /** Not allowed for startUpdate: the update is not yet durable at this stage. */
  ADMITTED: "ADMITTED",
  /** The workflow accepted (validated) or rejected the update. */
  ACCEPTED: "ACCEPTED",
  /** The update handler finished, successfully or not. */
  COMPLETED: "COMPLETED",
} as const;
export type WorkflowUpdateStage = (typeof WorkflowUpdateStage)[keyof typeof WorkflowUpdateStage];

export const QueryRejectCondition = {
  NONE: "NONE",
  NOT_OPEN: "NOT_OPEN",
  NOT_COMPLETED_CLEANLY: "NOT_COMPLETED_CLEANLY",
} as const;
export type QueryRejectCondition = (typeof QueryRejectCondition)[keyof typeof QueryRejectCondition];

export type WorkflowExecutionStatusName =
  | "UNSPECIFIED"
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLED"
  | "TERMINATED"
  | "CONTINUED_AS_NEW"
  | "TIMED_OUT"
  | "PAUSED"
  | "UNKNOWN";

/**
 * Looks a user-supplied constant up in a generated enum. Accepts the short
 * name ("ALLOW_DUPLICATE"), the proto name with its prefix
 * ("WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE") and the number, as the
 * official SDK does; anything else is a TypeError listing the valid names.
 */
function encodeEnum(
  values: Record<string, string | number>,
  prefix: string,
  field: string,
  input: string | number | undefined,
): number | undefined {
  if (input === undefined) return undefined;
  if (typeof input === "number" && typeof values[input] === "string") return input;
  if (typeof input === "string") {
    const short = input.startsWith(prefix) ? input.slice(prefix.length) : input;
    const n = values[short];
    if (typeof n === "number" && short !== "UNSPECIFIED") return n;
  }
  const names = Object.keys(values).filter((k) => Number.isNaN(Number(k)) && k !== "UNSPECIFIED");
  throw new TypeError(`${field}: unknown value ${JSON.stringify(input)}; use one of ${names.map((n) => `"${n}"`).join(", ")}`);
}

export function encodeWorkflowIdReusePolicy(input: WorkflowIdReusePolicy | string | number | undefined): number | undefined {
  return encodeEnum(WorkflowIdReusePolicyProto, "WORKFLOW_ID_REUSE_POLICY_", "workflowIdReusePolicy", input);
}

export function encodeWorkflowIdConflictPolicy(input: WorkflowIdConflictPolicy | string | number | undefined): number | undefined {
  return encodeEnum(WorkflowIdConflictPolicyProto, "WORKFLOW_ID_CONFLICT_POLICY_", "workflowIdConflictPolicy", input);
}

export function encodeQueryRejectCondition(input: QueryRejectCondition | undefined): number | undefined {
  return encodeEnum(QueryRejectConditionProto, "QUERY_REJECT_CONDITION_", "queryRejectCondition", input);
}

export function encodeUpdateStage(input: WorkflowUpdateStage): UpdateWorkflowExecutionLifecycleStage {
  const n = encodeEnum(UpdateWorkflowExecutionLifecycleStage, "UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_", "waitForStage", input);
  return n ?? UpdateWorkflowExecutionLifecycleStage.UNSPECIFIED;
}

export function workflowStatusName(code: WorkflowExecutionStatus): WorkflowExecutionStatusName {
  // "CANCELED" in the proto, "CANCELLED" in the official client's status names.
  if (code === WorkflowExecutionStatus.CANCELED) return "CANCELLED";
  const name = WorkflowExecutionStatus[code];
  return (name ?? "UNKNOWN") as WorkflowExecutionStatusName;
}
