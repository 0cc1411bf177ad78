import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { WorkflowExecutionStatus } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { WorkflowService } from "../../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  CountWorkflowExecutionsResponseSchema,
  ListWorkflowExecutionsResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { invalidArgument } from "../errors.ts";
import type { RunState } from "../executions/run-state.ts";
import { executionInfo } from "./describe.ts";
import { namespaceOf } from "./lookup.ts";

type Impl = Partial<ServiceImpl<typeof WorkflowService>>;

/** Visibility status names, as the query language spells them. */
const statusNames: Record<string, WorkflowExecutionStatus> = {
  Running: WorkflowExecutionStatus.RUNNING,
  Completed: WorkflowExecutionStatus.COMPLETED,
  Failed: WorkflowExecutionStatus.FAILED,
  Canceled: WorkflowExecutionStatus.CANCELED,
  Terminated: WorkflowExecutionStatus.TERMINATED,
  ContinuedAsNew: WorkflowExecutionStatus.CONTINUED_AS_NEW,
  TimedOut: WorkflowExecutionStatus.TIMED_OUT,
};

const fields: Record<string, (run: RunState) => string> = {
  WorkflowId: (r) => r.key.workflowId,
  RunId: (r) => r.key.runId,
  WorkflowType: (r) => r.workflowType,
  TaskQueue: (r) => r.taskQueue,
  ExecutionStatus: (r) => Object.keys(statusNames).find((k) => statusNames[k] === r.status) ?? "",
};

interface ParsedQuery {
  /** Disjunction of conjunctions of comparisons. */
  filter: (run: RunState) => boolean;
  groupByStatus: boolean;
}

/**
 * A small subset of the visibility query language: comparisons
 * `Field = 'value'` and `Field != 'value'` on WorkflowId, RunId,
 * WorkflowType, TaskQueue and ExecutionStatus, joined with AND and OR;
 * ORDER BY is accepted and ignored (newest first); GROUP BY ExecutionStatus
 * for counts.
 */
export function parseQuery(query: string): ParsedQuery {
  let text = query.trim();
  let groupByStatus = false;
  const group = /\s*GROUP\s+BY\s+(\w+)\s*$/i.exec(text);
  if (group) {
    if (group[1] !== "ExecutionStatus") throw invalidArgument("query", `can only GROUP BY ExecutionStatus, not ${group[1]}`);
    groupByStatus = true;
    text = text.slice(0, group.index);
  }
  text = text.replace(/\s*ORDER\s+BY\s+.*$/i, "");
  if (text === "") return { filter: () => true, groupByStatus };
  const disjuncts = text.split(/\s+OR\s+/i).map((part) =>
    part.split(/\s+AND\s+/i).map((comparison) => {
      const m = /^\(?\s*(\w+)\s*(=|!=)\s*(['"])(.*)\3\s*\)?$/.exec(comparison.trim());
      if (!m) throw invalidArgument("query", `has a comparison the dev server cannot read: "${comparison.trim()}" (use Field = 'value')`);
      const [, field, op, , value] = m as unknown as [string, string, string, string, string];
      const get = fields[field];
      if (get === undefined) {
        throw invalidArgument("query", `filters on ${field}; the dev server supports ${Object.keys(fields).join(", ")}`);
      }
      if (field === "ExecutionStatus" && statusNames[value] === undefined) {
        throw invalidArgument("query", `has unknown ExecutionStatus '${value}'; use one of ${Object.keys(statusNames).join(", ")}`);
      }
      return (run: RunState) => (get(run) === value) === (op === "=");
    }),
  );
  return { filter: (run) => disjuncts.some((all) => all.every((test) => test(run))), groupByStatus };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function visibilityRpcs(ctx: EngineContext): Impl {
  return {
    listWorkflowExecutions(req) {
      namespaceOf(ctx, req.namespace);
      const { filter } = parseQuery(req.query);
      const offset = req.nextPageToken.length > 0 ? Number(decoder.decode(req.nextPageToken)) || 0 : 0;
      const size = req.pageSize > 0 ? req.pageSize : 1000;
      const matching = ctx.store.listRuns(req.namespace).filter(filter);
      const page = matching.slice(offset, offset + size);
      const next = offset + page.length;
      return create(ListWorkflowExecutionsResponseSchema, {
        executions: page.map(executionInfo),
        nextPageToken: next < matching.length ? encoder.encode(String(next)) : new Uint8Array(),
      });
    },
    countWorkflowExecutions(req) {
      namespaceOf(ctx, req.namespace);
      const { filter, groupByStatus } = parseQuery(req.query);
      const matching = ctx.store.listRuns(req.namespace).filter(filter);
      if (!groupByStatus) return create(CountWorkflowExecutionsResponseSchema, { count: BigInt(matching.length) });
      const counts = new Map<string, number>();
      for (const run of matching) {
        const name = fields.ExecutionStatus?.(run) ?? "";
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      return create(CountWorkflowExecutionsResponseSchema, {
        count: BigInt(matching.length),
        groups: [...counts].map(([name, count]) => ({
          groupValues: [{ metadata: { encoding: encoder.encode("json/plain") }, data: encoder.encode(JSON.stringify(name)) }],
          count: BigInt(count),
        })),
      });
    },
  };
}
