/**
 * Gives a failure class a `name` on its prototype and an `instanceof` that
 * recognises instances by a marker symbol rather than by prototype identity.
 *
 * Two copies of this module (a bundled workflow and the worker, or a test
 * importing src/ and dist/) then still agree that an error is an
 * `ApplicationFailure`. The marker key is the one @temporalio/common uses, so
 * `err instanceof ApplicationFailure` also holds across our classes and the
 * official ones: code moved from @temporalio/workflow keeps its catch blocks.
 */
export function markFailureClass(cls: abstract new (...args: never[]) => Error, name: string): void {
  const marker = Symbol.for(`__temporal_is${name}`);
  Object.defineProperty(cls.prototype, "name", { value: name, enumerable: true });
  Object.defineProperty(cls.prototype, marker, { value: true, enumerable: false });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      // A subclass that did not mark itself inherits this function; for it
      // fall back to the prototype chain, or every marked parent would match.
      if (this !== cls) return typeof this === "function" && Object.prototype.isPrototypeOf.call(this.prototype as object, value as object);
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
    },
  });
}
