import { CancelledFailure } from "../failure/index.ts";
import { type Duration, msToNumber } from "../common/duration.ts";
import { getActivator, maybeGetActivator } from "./context.ts";
import { IllegalStateError } from "./errors.ts";
import { SdkFlag } from "./flags.ts";
import { sleep } from "./timers.ts";

export interface CancellationScopeOptions {
  /** Cancels the scope after this long (a durable timer). */
  timeout?: Duration;
  /** Whether cancellation of the parent reaches this scope. Default true. */
  cancellable: boolean;
  /** The parent scope; the current scope when absent. */
  parent?: CancellationScope;
}

/** A promise we handle ourselves: keeps runtimes from reporting it as unhandled. */
function quiet(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}

/**
 * A tree of cancellable regions of workflow code, as in @temporalio/workflow:
 * cancelling a scope cancels the timers, activities and conditions started in
 * it and in its cancellable children. The reaction order of `cancelRequested`
 * decides the order of the cancel commands, so it is built exactly as the
 * official SDK builds it.
 */
export class CancellationScope {
  readonly cancellable: boolean;
  readonly parent: CancellationScope | undefined;
  /** Rejects with the cancellation error when this scope is cancelled. */
  readonly cancelRequested: Promise<never>;
  /** Set when cancellation was requested (not a private field: scopes from another copy of this module read it). */
  cancelRequestedFlag = false;
  protected readonly timeoutMs: number | undefined;
  private rejectCancel!: (reason: unknown) => void;

  constructor(options?: CancellationScopeOptions, root = false) {
    this.timeoutMs = options?.timeout === undefined ? undefined : msToNumber(options.timeout, "CancellationScope timeout");
    this.cancellable = options?.cancellable ?? true;
    this.cancelRequested = new Promise<never>((_, reject) => {
      this.rejectCancel = (reason) => {
        this.cancelRequestedFlag = true;
        reject(reason);
      };
    });
    quiet(this.cancelRequested);
    if (root) {
      this.parent = undefined;
      return;
    }
    const parent = options?.parent ?? CancellationScope.current();
    this.parent = parent;
    const shielded = getActivator().hasFlag(SdkFlag.NonCancellableScopesAreShieldedFromPropagation);
    if (parent.cancellable || (parent.cancelRequestedFlag && !shielded)) {
      this.cancelRequestedFlag = parent.cancelRequestedFlag;
      quiet(parent.cancelRequested.catch((err) => this.rejectCancel(err)));
    } else {
      quiet(
        parent.cancelRequested.catch((err) => {
          if (!getActivator().hasFlag(SdkFlag.NonCancellableScopesAreShieldedFromPropagation)) this.rejectCancel(err);
        }),
      );
    }
  }

  /** Whether code in this scope should act cancelled. */
  get consideredCancelled(): boolean {
    return this.cancelRequestedFlag && this.cancellable;
  }

  /** Runs `fn` with this scope as the current one for everything it starts. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return getActivator("CancellationScope.run").scopeStorage.run(this, () => this.runInScope(fn));
  }

  protected async runInScope<T>(fn: () => Promise<T>): Promise<T> {
    let timerScope: CancellationScope | undefined;
    if (this.timeoutMs) {
      timerScope = new CancellationScope();
      const ms = this.timeoutMs;
      quiet(
        timerScope.run(() => sleep(ms)).then(
          () => this.cancel(),
          // The timer was cancelled because the scope finished first.
          () => undefined,
        ),
      );
    }
    try {
      return await fn();
    } finally {
      if (
        timerScope &&
        !timerScope.consideredCancelled &&
        getActivator().hasFlag(SdkFlag.NonCancellableScopesAreShieldedFromPropagation)
      ) {
        timerScope.cancel();
      }
    }
  }

  /** Requests cancellation of this scope and its cancellable children. */
  cancel(): void {
    this.rejectCancel(new CancelledFailure("Cancellation scope cancelled"));
  }

  /** Rejects `cancelRequested` with a given error (the root scope uses its own message). */
  protected requestCancel(reason: unknown): void {
    this.rejectCancel(reason);
  }

  /** The scope of the code calling it; the run's root scope outside any `run`. */
  static current(): CancellationScope {
    const activator = maybeGetActivator();
    if (activator === undefined) {
      throw new IllegalStateError("CancellationScope.current() may only be used from a workflow execution");
    }
    return activator.scopeStorage.getStore() ?? activator.rootScope;
  }

  /** Runs `fn` in a new cancellable scope. */
  static cancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true }).run(fn);
  }

  /** Runs `fn` in a scope that the parent's cancellation does not reach. */
  static nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: false }).run(fn);
  }

  /** Runs `fn` in a cancellable scope cancelled after `timeout`. */
  static withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true, timeout }).run(fn);
  }
}

/** The scope of a whole run; cancelling the workflow cancels it. */
export class RootCancellationScope extends CancellationScope {
  constructor() {
    super({ cancellable: true }, true);
  }

  override cancel(): void {
    this.requestCancel(new CancelledFailure("Workflow cancelled"));
  }
}
