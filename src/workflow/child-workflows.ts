// Child workflows: startChild() resolves once the server has started the
// child (with a handle for its result and signals); executeChild() resolves
// with its result. Cancelling the scope a child was started in cancels the
// child as its cancellationType says.
import type { Workflow, WorkflowResultType } from "../client/workflow-options.ts";
import type { Activator } from "./activator.ts";
import { quiet } from "./activities.ts";
import { CancellationScope } from "./cancellation-scope.ts";
import { type ChildWorkflowOptions, startChildCommand, withChildDefaults } from "./child-workflow-options.ts";
import { getActivator } from "./context.ts";
import { signalName, signalWorkflow, type WorkflowSignalOptions } from "./external-workflows.ts";
import type { SignalDefinition } from "./handler-types.ts";
import { uuid4 } from "./info-api.ts";
import { composeInterceptors, type StartChildWorkflowExecutionInput } from "./interceptors.ts";
import { userMetadata } from "./user-metadata.ts";

/** A started child workflow. */
export interface ChildWorkflowHandle<T extends Workflow> {
  readonly workflowId: string;
  /** The run id the child started with. */
  readonly firstExecutionRunId: string;
  /** The child's result; rejects with a ChildWorkflowFailure when it fails, times out or is cancelled. */
  result(): Promise<WorkflowResultType<T>>;
  signal<Args extends unknown[] = [], Name extends string = string>(def: SignalDefinition<Args, Name> | string, ...args: Args): Promise<void>;
  signalWithOptions<Args extends unknown[] = []>(signalName: string, options: WorkflowSignalOptions<Args>): Promise<void>;
}

/** `args` is required when the child workflow function takes parameters. */
export type ChildWorkflowStartOptions<T extends Workflow> = ChildWorkflowOptions &
  // biome-ignore lint/suspicious/noExplicitAny: matches any non-empty parameter list.
  (Parameters<T> extends [any, ...any[]] ? { args: Parameters<T> | Readonly<Parameters<T>> } : { args?: Parameters<T> | Readonly<Parameters<T>> });

function childWorkflowType(typeOrFunc: string | Workflow): string {
  if (typeof typeOrFunc === "string") return typeOrFunc;
  if (typeof typeOrFunc === "function" && typeOrFunc.name) return typeOrFunc.name;
  throw new TypeError("child workflow type: pass the workflow's name or a named workflow function (an anonymous function has no type name)");
}

/** Issues the start command; gives the start promise (the run id) and the result promise. */
function startChildExecution(activator: Activator, input: StartChildWorkflowExecutionInput): Promise<[Promise<string>, Promise<unknown>]> {
  const { seq, options, workflowType, headers } = input;
  const started = new Promise<string>((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch(() => {
          // Nothing to cancel once the child has ended.
          if (!activator.completions.childWorkflowComplete.has(seq)) return;
          activator.pushCommand({ variant: { case: "cancelChildWorkflowExecution", value: { childWorkflowSeq: seq } } });
        }),
      );
    }
    activator.pushCommand({
      variant: { case: "startChildWorkflowExecution", value: startChildCommand(activator, seq, workflowType, options, headers) },
      ...userMetadata(activator, options.staticSummary, options.staticDetails),
    });
    activator.completions.childWorkflowStart.set(seq, { resolve: (runId) => resolve(runId as string), reject });
  });
  // Registered now, so the result is caught even when workflow code never awaits it.
  const completed = new Promise<unknown>((resolve, reject) => {
    quiet(started.catch(reject));
    activator.completions.childWorkflowComplete.set(seq, { resolve, reject });
  });
  quiet(started);
  quiet(completed);
  return Promise.resolve([started, completed]);
}

function executeStart(activator: Activator, typeOrFunc: string | Workflow, options: ChildWorkflowOptions | undefined) {
  const withDefaults = withChildDefaults(options ?? {}, uuid4);
  const execute = composeInterceptors(activator.interceptors.outbound, "startChildWorkflowExecution", (input) =>
    startChildExecution(activator, input),
  );
  return {
    workflowId: withDefaults.workflowId,
    promises: execute({ seq: activator.nextSeqs.childWorkflow++, options: withDefaults, headers: {}, workflowType: childWorkflowType(typeOrFunc) }),
  };
}

/**
 * Starts a child workflow; resolves with its handle once the server has
 * started it (rejects with WorkflowExecutionAlreadyStartedError when the
 * workflow id is taken).
 */
export function startChild<T extends Workflow>(typeOrFunc: string | T, options: ChildWorkflowStartOptions<T>): Promise<ChildWorkflowHandle<T>>;
export function startChild<T extends () => unknown>(typeOrFunc: string | T): Promise<ChildWorkflowHandle<T>>;
export async function startChild<T extends Workflow>(typeOrFunc: string | T, options?: ChildWorkflowOptions): Promise<ChildWorkflowHandle<T>> {
  const activator = getActivator("startChild() (outside workflows, use the client's workflow.start())");
  const { workflowId, promises } = executeStart(activator, typeOrFunc, options);
  const [started, completed] = await promises;
  const firstExecutionRunId = await started;
  const target = { type: "child" as const, childWorkflowId: workflowId };
  return {
    workflowId,
    firstExecutionRunId,
    async result() {
      return (await completed) as WorkflowResultType<T>;
    },
    async signal(def, ...args) {
      return signalWorkflow(activator, signalName(def as SignalDefinition<never[]> | string), args, target);
    },
    async signalWithOptions(name, signalOptions) {
      return signalWorkflow(activator, name, signalOptions.args ?? [], target);
    },
  };
}

/** Starts a child workflow and resolves with its result. */
export function executeChild<T extends Workflow>(typeOrFunc: string | T, options: ChildWorkflowStartOptions<T>): Promise<WorkflowResultType<T>>;
export function executeChild<T extends () => unknown>(typeOrFunc: string | T): Promise<WorkflowResultType<T>>;
export async function executeChild<T extends Workflow>(typeOrFunc: string | T, options?: ChildWorkflowOptions): Promise<WorkflowResultType<T>> {
  const activator = getActivator("executeChild() (outside workflows, use the client's workflow.execute())");
  const { promises } = executeStart(activator, typeOrFunc, options);
  quiet(promises);
  const completed = promises.then(([, result]) => result);
  quiet(completed);
  return completed as Promise<WorkflowResultType<T>>;
}
