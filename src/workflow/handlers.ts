import { getActivator } from "./context.ts";
import {
  type DefaultQueryHandler,
  type DefaultSignalHandler,
  type DefaultUpdateHandler,
  HandlerUnfinishedPolicy,
  type QueryDefinition,
  type QueryHandlerOptions,
  type SignalDefinition,
  type SignalHandlerOptions,
  type UpdateDefinition,
  type UpdateHandlerOptions,
} from "./handler-types.ts";

export function defineSignal<Args extends unknown[] = [], Name extends string = string>(name: Name): SignalDefinition<Args, Name> {
  return { type: "signal", name };
}

export function defineQuery<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): QueryDefinition<Ret, Args, Name> {
  return { type: "query", name };
}

export function defineUpdate<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): UpdateDefinition<Ret, Args, Name> {
  return { type: "update", name };
}

const RESERVED_PREFIX = "__temporal_";
const RESERVED_NAMES = new Set(["__stack_trace", "__enhanced_stack_trace"]);

function checkName(kind: string, name: string): void {
  if (name.startsWith(RESERVED_PREFIX) || RESERVED_NAMES.has(name)) {
    throw new TypeError(`Cannot use ${kind} name: '${name}', with reserved prefix: '${RESERVED_PREFIX}' (or a reserved name)`);
  }
}

function expectFunction(handler: unknown): handler is (...args: unknown[]) => unknown {
  if (typeof handler === "function") return true;
  if (handler == null) return false;
  throw new TypeError(`Expected handler to be either a function or 'undefined'. Got: '${typeof handler}'`);
}

/**
 * Sets (or, with `undefined`, removes) the handler of a signal, query or
 * update. Signals and updates that arrived before their handler was set are
 * delivered now, in arrival order.
 */
export function setHandler<Args extends unknown[]>(
  def: SignalDefinition<Args>,
  handler: ((...args: NoInfer<Args>) => void | Promise<void>) | undefined,
  options?: SignalHandlerOptions,
): void;
export function setHandler<Ret, Args extends unknown[]>(
  def: QueryDefinition<Ret, Args>,
  handler: ((...args: NoInfer<Args>) => Ret) | undefined,
  options?: QueryHandlerOptions,
): void;
export function setHandler<Ret, Args extends unknown[]>(
  def: UpdateDefinition<Ret, Args>,
  handler: ((...args: NoInfer<Args>) => Ret | Promise<Ret>) | undefined,
  options?: UpdateHandlerOptions<Args>,
): void;
export function setHandler(
  def: SignalDefinition<unknown[]> | QueryDefinition<unknown, unknown[]> | UpdateDefinition<unknown, unknown[]>,
  handler: unknown,
  options?: SignalHandlerOptions & { validator?: (...args: never[]) => void },
): void {
  const activator = getActivator("setHandler()");
  checkName(def.type, def.name);
  const description = options?.description;
  const unfinishedPolicy = options?.unfinishedPolicy ?? HandlerUnfinishedPolicy.WARN_AND_ABANDON;
  switch (def.type) {
    case "signal":
      if (expectFunction(handler)) {
        activator.signalHandlers.set(def.name, { handler, description, unfinishedPolicy });
        activator.dispatchBufferedSignals();
      } else activator.signalHandlers.delete(def.name);
      return;
    case "update":
      if (expectFunction(handler)) {
        const validator = options?.validator as ((...args: unknown[]) => void) | undefined;
        activator.updateHandlers.set(def.name, { handler, description, unfinishedPolicy, validator });
        activator.dispatchBufferedUpdates();
      } else activator.updateHandlers.delete(def.name);
      return;
    case "query":
      if (expectFunction(handler)) activator.queryHandlers.set(def.name, { handler, description });
      else activator.queryHandlers.delete(def.name);
      return;
    default:
      throw new TypeError(`Invalid definition type: ${(def as { type: unknown }).type}`);
  }
}

/** Handles signals that have no handler of their own; buffered ones are delivered now. */
export function setDefaultSignalHandler(handler: DefaultSignalHandler | undefined): void {
  const activator = getActivator("setDefaultSignalHandler()");
  if (expectFunction(handler)) {
    activator.defaultSignalHandler = handler;
    activator.dispatchBufferedSignals();
  } else activator.defaultSignalHandler = undefined;
}

/** Answers queries that have no handler of their own. */
export function setDefaultQueryHandler(handler: DefaultQueryHandler | undefined): void {
  const activator = getActivator("setDefaultQueryHandler()");
  activator.defaultQueryHandler = expectFunction(handler) ? handler : undefined;
}

/** Handles updates that have no handler of their own; buffered ones are delivered now. */
export function setDefaultUpdateHandler(handler: DefaultUpdateHandler | undefined): void {
  const activator = getActivator("setDefaultUpdateHandler()");
  if (expectFunction(handler)) {
    activator.defaultUpdateHandler = handler;
    activator.dispatchBufferedUpdates();
  } else activator.defaultUpdateHandler = undefined;
}

/** Whether every signal and update handler has finished: `await condition(allHandlersFinished)` before returning. */
export function allHandlersFinished(): boolean {
  const activator = getActivator("allHandlersFinished()");
  return activator.inProgressSignals.size === 0 && activator.inProgressUpdates.size === 0;
}
