// Workflow interceptors, shaped as @temporalio/workflow's: a workflows module
// (or an interceptor module given to the worker) exports
// `interceptors: WorkflowInterceptorsFactory`; the runtime calls it once per
// run, inside the run, and routes inbound calls (the workflow function,
// signals, queries, updates) and outbound calls (timers, activities, child
// workflows, signals to other workflows, continue-as-new, log attributes)
// through the chains it returns. The first interceptor of a list is the
// outermost.
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowCommand } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { ActivityOptions } from "./activities.ts";
import type { ChildWorkflowOptionsWithDefaults } from "./child-workflow-options.ts";
import type { ContinueAsNewOptions } from "./continue-as-new.ts";
import type { LocalActivityOptions } from "./local-activities.ts";

/** Headers sent along with a call (activity, child workflow, signal …), as payloads by name. */
export type Headers = Record<string, Payload>;

// biome-ignore lint/suspicious/noExplicitAny: matches any interceptor method.
type AnyFunction = (...args: any[]) => any;
type WithoutLast<T extends unknown[]> = T extends [...infer Rest, unknown] ? Rest : never;

/** The rest of an interceptor chain for method `M` of interceptor type `I`: the method without its `next` parameter. */
export type Next<I, M extends keyof I> = Required<I>[M] extends AnyFunction
  ? (...args: WithoutLast<Parameters<Required<I>[M]>>) => ReturnType<Required<I>[M]>
  : never;

export interface WorkflowExecuteInput {
  readonly args: unknown[];
  readonly headers: Headers;
}
export interface SignalInput {
  readonly signalName: string;
  readonly args: unknown[];
  readonly headers: Headers;
}
export interface QueryInput {
  readonly queryId: string;
  readonly queryName: string;
  readonly args: unknown[];
  readonly headers: Headers;
}
export interface UpdateInput {
  readonly updateId: string;
  readonly name: string;
  readonly args: unknown[];
  readonly headers: Headers;
}

/** Calls into the workflow: its function, and the handlers of signals, queries and updates. */
export interface WorkflowInboundCallsInterceptor {
  execute?: (input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, "execute">) => Promise<unknown>;
  handleSignal?: (input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, "handleSignal">) => Promise<void>;
  handleQuery?: (input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, "handleQuery">) => Promise<unknown>;
  handleUpdate?: (input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, "handleUpdate">) => Promise<unknown>;
  validateUpdate?: (input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, "validateUpdate">) => void;
}

export interface TimerOptions {
  /** Shown for the timer in the Temporal UI (command user metadata). */
  readonly summary?: string;
}
export interface TimerInput {
  readonly durationMs: number;
  readonly seq: number;
  readonly options?: TimerOptions;
}
export interface ActivityInput {
  readonly activityType: string;
  readonly args: unknown[];
  readonly options: ActivityOptions;
  readonly headers: Headers;
  readonly seq: number;
}
export interface LocalActivityInput {
  readonly activityType: string;
  readonly args: unknown[];
  readonly options: LocalActivityOptions;
  readonly headers: Headers;
  readonly seq: number;
  readonly attempt: number;
  readonly originalScheduleTime?: { seconds: bigint; nanos: number };
}
export interface StartChildWorkflowExecutionInput {
  readonly workflowType: string;
  readonly options: ChildWorkflowOptionsWithDefaults;
  readonly headers: Headers;
  readonly seq: number;
}
export interface SignalWorkflowInput {
  readonly seq: number;
  readonly signalName: string;
  readonly args: unknown[];
  readonly headers: Headers;
  readonly target:
    | { readonly type: "external"; readonly workflowExecution: { workflowId: string; runId?: string | undefined } }
    | { readonly type: "child"; readonly childWorkflowId: string };
}
export interface ContinueAsNewInput {
  readonly args: unknown[];
  readonly headers: Headers;
  readonly options: ContinueAsNewOptions & { workflowType: string };
}
export type GetLogAttributesInput = Record<string, unknown>;

/** Calls out of the workflow: the commands it issues. */
export interface WorkflowOutboundCallsInterceptor {
  startTimer?: (input: TimerInput, next: Next<WorkflowOutboundCallsInterceptor, "startTimer">) => Promise<void>;
  scheduleActivity?: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, "scheduleActivity">) => Promise<unknown>;
  scheduleLocalActivity?: (
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, "scheduleLocalActivity">,
  ) => Promise<unknown>;
  startChildWorkflowExecution?: (
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, "startChildWorkflowExecution">,
  ) => Promise<[Promise<string>, Promise<unknown>]>;
  signalWorkflow?: (input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, "signalWorkflow">) => Promise<void>;
  continueAsNew?: (input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, "continueAsNew">) => Promise<never>;
  getLogAttributes?: (
    input: GetLogAttributesInput,
    next: Next<WorkflowOutboundCallsInterceptor, "getLogAttributes">,
  ) => Record<string, unknown>;
}

export interface ActivateInput {
  readonly activation: WorkflowActivation;
  /** 0, or 1 for the second batch of histories processed in two batches (before SDK flag 2). */
  readonly batchIndex: number;
}
export interface ConcludeActivationInput {
  readonly commands: WorkflowCommand[];
}
export type ConcludeActivationOutput = ConcludeActivationInput;
export type DisposeInput = Record<string, never>;

/** The runtime's own steps: applying a batch of jobs, the commands an activation returns, eviction. */
export interface WorkflowInternalsInterceptor {
  activate?(input: ActivateInput, next: Next<WorkflowInternalsInterceptor, "activate">): void;
  concludeActivation?(input: ConcludeActivationInput, next: Next<WorkflowInternalsInterceptor, "concludeActivation">): ConcludeActivationOutput;
  dispose?(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, "dispose">): void;
}

export interface WorkflowInterceptors {
  inbound?: WorkflowInboundCallsInterceptor[];
  outbound?: WorkflowOutboundCallsInterceptor[];
  internals?: WorkflowInternalsInterceptor[];
}

/** What an interceptor module exports as `interceptors`: called once per run, inside it. */
export type WorkflowInterceptorsFactory = () => WorkflowInterceptors;

/** Builds the chain for `method`: each interceptor that has it wraps the ones after it, `next` innermost. */
export function composeInterceptors<I, M extends keyof I>(interceptors: readonly I[], method: M, next: Next<I, M>): Next<I, M> {
  let chain = next as unknown as (input: unknown) => unknown;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i] as I;
    const fn = interceptor[method] as ((input: unknown, next: (input: unknown) => unknown) => unknown) | undefined;
    if (typeof fn === "function") {
      const inner = chain;
      chain = (input) => fn.call(interceptor, input, inner);
    }
  }
  return chain as unknown as Next<I, M>;
}
