// Other workflows, seen from workflow code: signalling them
// (signalExternalWorkflowExecution, to any execution or to a child by its id)
// and requesting their cancellation (requestCancelExternalWorkflowExecution).
import type { Activator } from "./activator.ts";
import { quiet } from "./activities.ts";
import { CancellationScope } from "./cancellation-scope.ts";
import { getActivator } from "./context.ts";
import type { SignalDefinition } from "./handler-types.ts";
import { composeInterceptors, type SignalWorkflowInput } from "./interceptors.ts";
import { patched } from "./patches.ts";

/** Signal options, as @temporalio/common's WorkflowSignalOptions. */
export interface WorkflowSignalOptions<Args extends unknown[] = unknown[]> {
  args?: Args;
}

/** A handle on another workflow execution, from getExternalWorkflowHandle(). */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  readonly runId?: string | undefined;
  /** Sends a signal; resolves once the server has delivered it, rejects if the execution is not found. */
  signal<Args extends unknown[] = [], Name extends string = string>(def: SignalDefinition<Args, Name> | string, ...args: Args): Promise<void>;
  signalWithOptions<Args extends unknown[] = []>(signalName: string, options: WorkflowSignalOptions<Args>): Promise<void>;
  /** Requests cancellation of the execution; resolves once the server has recorded the request. */
  cancel(): Promise<void>;
}

// The official SDK ties cancel() to the caller's cancellation scope behind this patch.
const EXTERNAL_CANCEL_PATCH = "__temporal_internal_connect_external_handle_cancel_to_scope";

/** Sends a signal through the outbound interceptors: to an external execution or a child of this run. */
export function signalWorkflow(activator: Activator, signalName: string, args: unknown[], target: SignalWorkflowInput["target"]): Promise<void> {
  const execute = composeInterceptors(activator.interceptors.outbound, "signalWorkflow", (input) => sendSignal(activator, input));
  return execute({ seq: activator.nextSeqs.signalWorkflow++, signalName, args, target, headers: {} });
}

function sendSignal(activator: Activator, { seq, signalName, args, target, headers }: SignalWorkflowInput): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch(() => {
          if (!activator.completions.signalWorkflow.has(seq)) return;
          activator.pushCommand({ variant: { case: "cancelSignalWorkflow", value: { seq } } });
        }),
      );
    }
    activator.pushCommand({
      variant: {
        case: "signalExternalWorkflowExecution",
        value: {
          seq,
          signalName,
          args: args.map((a) => activator.toPayload(a)),
          headers,
          target:
            target.type === "external"
              ? {
                  case: "workflowExecution",
                  value: {
                    namespace: activator.info.namespace,
                    workflowId: target.workflowExecution.workflowId,
                    runId: target.workflowExecution.runId ?? "",
                  },
                }
              : { case: "childWorkflowId", value: target.childWorkflowId },
        },
      },
    });
    activator.completions.signalWorkflow.set(seq, { resolve: () => resolve(), reject });
  });
}

/** The name of a signal given by definition or by name. */
export function signalName(def: SignalDefinition<never[]> | string): string {
  return typeof def === "string" ? def : def.name;
}

/**
 * A handle for signalling or cancelling another workflow execution (any
 * run of `workflowId` when `runId` is absent) from workflow code.
 */
export function getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
  const activator = getActivator("getExternalWorkflowHandle() (outside workflows, use the client's workflow.getHandle())");
  const target = { type: "external" as const, workflowExecution: { workflowId, runId } };
  return {
    workflowId,
    runId,
    signal(def, ...args) {
      return signalWorkflow(activator, signalName(def as SignalDefinition<never[]> | string), args, target);
    },
    signalWithOptions(name, options) {
      return signalWorkflow(activator, name, options.args ?? [], target);
    },
    cancel() {
      return new Promise<void>((resolve, reject) => {
        // Histories from before the patch did not connect the request to the scope; the patch is only
        // asked for when the scope matters, so it stays out of histories that do not need it.
        const scope = CancellationScope.current();
        if (scope.cancellable) {
          quiet(
            scope.cancelRequested.catch((err: unknown) => {
              if (patched(EXTERNAL_CANCEL_PATCH)) reject(err);
            }),
          );
        }
        if (scope.consideredCancelled && patched(EXTERNAL_CANCEL_PATCH)) return;
        const seq = activator.nextSeqs.cancelWorkflow++;
        activator.pushCommand({
          variant: {
            case: "requestCancelExternalWorkflowExecution",
            value: { seq, workflowExecution: { namespace: activator.info.namespace, workflowId, runId: runId ?? "" } },
          },
        });
        activator.completions.cancelWorkflow.set(seq, { resolve: () => resolve(), reject });
      });
    },
  };
}
