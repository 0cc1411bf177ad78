// Signal, query and update definitions, shaped as @temporalio/common's so
// definitions shared with a client keep working.

export interface SignalDefinition<Args extends unknown[] = [], Name extends string = string> {
  type: "signal";
  name: Name;
  /** Phantom field carrying the argument types. */
  __signalArgs?: Args;
}

export interface QueryDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: "query";
  name: Name;
  __queryArgs?: Args;
  __queryRet?: Ret;
}

export interface UpdateDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: "update";
  name: Name;
  __updateArgs?: Args;
  __updateRet?: Ret;
}

/** What to do when the workflow finishes while handlers of this kind still run. */
export const HandlerUnfinishedPolicy = {
  WARN_AND_ABANDON: 1,
  ABANDON: 2,
} as const;
export type HandlerUnfinishedPolicy = (typeof HandlerUnfinishedPolicy)[keyof typeof HandlerUnfinishedPolicy];

export interface HandlerOptions {
  description?: string;
}
export interface SignalHandlerOptions extends HandlerOptions {
  unfinishedPolicy?: HandlerUnfinishedPolicy;
}
export interface UpdateHandlerOptions<Args extends unknown[]> extends SignalHandlerOptions {
  validator?: (...args: Args) => void;
}
export type QueryHandlerOptions = HandlerOptions;

export type Handler<Ret, Args extends unknown[], T> = T extends SignalDefinition<infer A>
  ? (...args: A) => void | Promise<void>
  : T extends QueryDefinition<infer R, infer A>
    ? (...args: A) => R
    : T extends UpdateDefinition<infer R, infer A>
      ? (...args: A) => R | Promise<R>
      : (...args: Args) => Ret;

export type DefaultSignalHandler = (signalName: string, ...args: unknown[]) => void | Promise<void>;
export type DefaultQueryHandler = (queryName: string, ...args: unknown[]) => unknown;
export type DefaultUpdateHandler = (updateName: string, ...args: unknown[]) => unknown;

export interface SignalHandlerEntry {
  handler: (...args: unknown[]) => unknown;
  description: string | undefined;
  unfinishedPolicy: HandlerUnfinishedPolicy;
}
export interface QueryHandlerEntry {
  handler: (...args: unknown[]) => unknown;
  description: string | undefined;
}
export interface UpdateHandlerEntry extends SignalHandlerEntry {
  validator: ((...args: unknown[]) => void) | undefined;
}
