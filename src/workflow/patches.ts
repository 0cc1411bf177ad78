import { getActivator } from "./context.ts";

function patchInternal(patchId: string, deprecated: boolean): boolean {
  const activator = getActivator(deprecated ? "deprecatePatch()" : "patched()");
  const previous = activator.patchDecisions.get(patchId);
  if (previous !== undefined) return previous;
  const knownPresent = activator.knownPresentPatches.has(patchId);
  // Replaying a history written before the patch: take the old path.
  if (activator.info.unsafe.isReplaying && !knownPresent) return false;
  activator.patchDecisions.set(patchId, true);
  if (!activator.sentPatches.has(patchId)) {
    activator.pushCommand({ variant: { case: "setPatchMarker", value: { patchId, deprecated } } });
    activator.sentPatches.add(patchId);
  }
  return true;
}

/**
 * Whether this run takes the new code path of a patch: true for new runs and
 * for histories written with the patch, false when replaying older histories.
 */
export function patched(patchId: string): boolean {
  return patchInternal(patchId, false);
}

/** Marks a patch as the only path left, once no running workflow can still need the old one. */
export function deprecatePatch(patchId: string): void {
  patchInternal(patchId, true);
}
