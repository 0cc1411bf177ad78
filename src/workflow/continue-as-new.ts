// Continue-as-new: the run ends and the server starts a fresh run of the
// same workflow id (new history, same or another workflow type), which is
// how long-lived workflows keep their histories short.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ContinueAsNewWorkflowExecutionSchema } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { encodeSearchAttributes, type SearchAttributePair, type SearchAttributes, type TypedSearchAttributes } from "../client/search-attributes.ts";
import { type Duration, optionalDurationMessage } from "../common/duration.ts";
import { getActivator } from "./context.ts";
import { composeInterceptors } from "./interceptors.ts";

type ContinueAsNewCommand = MessageInitShape<typeof ContinueAsNewWorkflowExecutionSchema>;

/**
 * Thrown (by `continueAsNew`) to end this run and start a new one of the same
 * workflow; the runtime turns it into a continueAsNewWorkflowExecution command.
 */
export class ContinueAsNew extends Error {
  override readonly name = "ContinueAsNew";
  readonly command: ContinueAsNewCommand;

  constructor(command: ContinueAsNewCommand) {
    super("Workflow continued as new");
    this.command = command;
  }
}

/** Options of the next run, as @temporalio/workflow's; unset ones are the current run's. */
export interface ContinueAsNewOptions {
  /** Default: this workflow's type. */
  workflowType?: string;
  /** Default: this run's task queue. */
  taskQueue?: string;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** Wait this long before the new run's first workflow task. */
  backoffStartInterval?: Duration;
  /** Default: this run's memo (the server carries it over). */
  memo?: Record<string, unknown>;
  /** Default: this run's search attributes (the server carries them over). */
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
}

/**
 * A function that continues this workflow as new with the given options:
 * `const next = makeContinueAsNewFunc<typeof myWorkflow>({ workflowRunTimeout: "1h" }); await next(state)`.
 * The returned promise never resolves: calling it ends the run.
 */
export function makeContinueAsNewFunc<F extends (...args: never[]) => unknown>(
  options?: ContinueAsNewOptions,
): (...args: Parameters<F>) => Promise<never> {
  const activator = getActivator("makeContinueAsNewFunc()/continueAsNew()");
  const info = activator.info;
  const { workflowType, taskQueue, ...rest } = options ?? {};
  const required = { workflowType: workflowType ?? info.workflowType, taskQueue: taskQueue ?? info.taskQueue, ...rest };
  return (...args: Parameters<F>): Promise<never> => {
    const execute = composeInterceptors(activator.interceptors.outbound, "continueAsNew", async (input) => {
      const { options: o } = input;
      const hasSearchAttributes = o.searchAttributes !== undefined || o.typedSearchAttributes !== undefined;
      throw new ContinueAsNew({
        workflowType: o.workflowType,
        arguments: input.args.map((a) => activator.toPayload(a)),
        headers: input.headers,
        ...(o.taskQueue === undefined ? {} : { taskQueue: o.taskQueue }),
        ...(o.memo === undefined ? {} : { memo: mapToPayloads(o.memo, (v) => activator.toPayload(v)) }),
        ...(hasSearchAttributes ? { searchAttributes: { indexedFields: encodeSearchAttributes(o.searchAttributes, o.typedSearchAttributes) } } : {}),
        workflowRunTimeout: optionalDurationMessage(o.workflowRunTimeout, "workflowRunTimeout"),
        workflowTaskTimeout: optionalDurationMessage(o.workflowTaskTimeout, "workflowTaskTimeout"),
        backoffStartInterval: optionalDurationMessage(o.backoffStartInterval, "backoffStartInterval"),
      });
    });
    return execute({ args, headers: {}, options: required });
  };
}

/** Ends this run and continues as a new run of the same workflow with `args`. Never resolves. */
export function continueAsNew<F extends (...args: never[]) => unknown>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>()(...args);
}

/** Encodes each value of a record (memo fields); `undefined` too, as a null payload (which deletes a memo key). */
export function mapToPayloads<P>(record: Record<string, unknown>, encode: (value: unknown) => P): Record<string, P> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, encode(value)]));
}
