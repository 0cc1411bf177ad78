// The official client's WorkflowExecutionInfo (list) and
// WorkflowExecutionDescription (describe), built from the wire messages.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { WorkflowExecutionStatus } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { WorkflowExecutionInfo as RawWorkflowExecutionInfo } from "../../gen/temporal/api/workflow/v1/message_pb.ts";
import type {
  CountWorkflowExecutionsResponse,
  DescribeWorkflowExecutionResponse,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type WorkflowExecutionStatusName, workflowStatusName } from "./enums.ts";
import type { ClientPayloads } from "./payloads.ts";
import {
  decodeSearchAttributes,
  decodeTypedSearchAttributes,
  type SearchAttributes,
  type TypedSearchAttributes,
} from "./search-attributes.ts";

export type { RawWorkflowExecutionInfo };

export interface WorkflowExecutionInfo<Raw = RawWorkflowExecutionInfo> {
  /** The workflow type name. */
  type: string;
  workflowId: string;
  runId: string;
  taskQueue: string;
  status: { code: WorkflowExecutionStatus; name: WorkflowExecutionStatusName };
  historyLength: number;
  /** History size in bytes; absent when the server does not report it. */
  historySize: number | undefined;
  startTime: Date;
  executionTime: Date | undefined;
  closeTime: Date | undefined;
  memo: Record<string, unknown> | undefined;
  /** Untyped form: every value an array. */
  searchAttributes: SearchAttributes;
  typedSearchAttributes: TypedSearchAttributes;
  parentExecution: { workflowId: string; runId: string } | undefined;
  rootExecution: { workflowId: string; runId: string } | undefined;
  /** The message as received, for fields not mapped here. */
  raw: Raw;
}

export type WorkflowExecutionDescription = WorkflowExecutionInfo<DescribeWorkflowExecutionResponse>;

export interface CountWorkflowExecution {
  count: number;
  groups: { count: number; groupValues: unknown[] }[];
}

export async function executionInfoFromRaw<Raw>(
  info: RawWorkflowExecutionInfo,
  payloads: ClientPayloads,
  raw: Raw,
): Promise<WorkflowExecutionInfo<Raw>> {
  const execution = (e: { workflowId: string; runId: string } | undefined) =>
    e ? { workflowId: e.workflowId, runId: e.runId } : undefined;
  if (!info.startTime) throw new TypeError(`the server described workflow ${info.execution?.workflowId} without a startTime`);
  return {
    type: info.type?.name ?? "",
    workflowId: info.execution?.workflowId ?? "",
    runId: info.execution?.runId ?? "",
    taskQueue: info.taskQueue,
    status: { code: info.status, name: workflowStatusName(info.status) },
    // History length is capped far below 2^53 by the server.
    historyLength: Number(info.historyLength),
    // 0 means a server too old to count bytes.
    historySize: info.historySizeBytes > 0n ? Number(info.historySizeBytes) : undefined,
    startTime: timestampDate(info.startTime),
    executionTime: info.executionTime ? timestampDate(info.executionTime) : undefined,
    closeTime: info.closeTime ? timestampDate(info.closeTime) : undefined,
    memo: await payloads.fromPayloadMap(info.memo?.fields),
    searchAttributes: decodeSearchAttributes(info.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(info.searchAttributes?.indexedFields),
    parentExecution: execution(info.parentExecution),
    rootExecution: execution(info.rootExecution),
    raw,
  };
}

export async function describeFromRaw(
  response: DescribeWorkflowExecutionResponse,
  payloads: ClientPayloads,
): Promise<WorkflowExecutionDescription> {
  if (!response.workflowExecutionInfo) throw new TypeError("the server's DescribeWorkflowExecution answer has no workflowExecutionInfo");
  return executionInfoFromRaw(response.workflowExecutionInfo, payloads, response);
}

export function countFromRaw(response: CountWorkflowExecutionsResponse): CountWorkflowExecution {
  const decoder = new TextDecoder();
  return {
    count: Number(response.count),
    groups: response.groups.map((g) => ({
      count: Number(g.count),
      // Group values are search attribute payloads, always JSON.
      groupValues: g.groupValues.map((p) => JSON.parse(decoder.decode(p.data)) as unknown),
    })),
  };
}
