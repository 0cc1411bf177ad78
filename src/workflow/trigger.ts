import { CancellationScope } from "./cancellation-scope.ts";
import { maybeGetActivator } from "./context.ts";

/**
 * A promise that workflow code resolves or rejects itself, as
 * @temporalio/workflow's Trigger: `const approved = new Trigger<boolean>();`
 * in a signal handler `approved.resolve(true)`, and `await approved` in the
 * workflow. Created in a workflow, it rejects when its cancellation scope is
 * cancelled.
 */
export class Trigger<T> implements PromiseLike<T> {
  readonly resolve: (value: T | PromiseLike<T>) => void;
  readonly reject: (reason?: unknown) => void;
  private readonly promise: Promise<T>;

  constructor() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    this.promise = new Promise<T>((res, rej) => {
      const scope = maybeGetActivator() ? CancellationScope.current() : undefined;
      if (scope?.cancellable) scope.cancelRequested.catch(rej);
      resolve = res;
      reject = rej;
    });
    // Awaited or not, a rejection of a trigger is the workflow's business, never an unhandled rejection.
    this.promise.catch(() => undefined);
    this.resolve = resolve;
    this.reject = reject;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.promise.then(onfulfilled, onrejected);
  }
}
