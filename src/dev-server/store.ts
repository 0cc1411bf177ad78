import type { RunState } from "./executions/run-state.ts";

/** A namespace as the dev server keeps it. */
export interface NamespaceRecord {
  name: string;
  id: string;
  description: string;
  ownerEmail: string;
  retentionMs: number;
  data: Record<string, string>;
}

/**
 * Where the dev server keeps its state. In memory for now (like
 * `temporal server start-dev` without a database file); the engine only
 * reaches state through this interface so a SQLite store can follow.
 */
export interface Store {
  getNamespace(name: string): NamespaceRecord | undefined;
  putNamespace(record: NamespaceRecord): void;
  listNamespaces(): NamespaceRecord[];
  getRun(namespace: string, workflowId: string, runId: string): RunState | undefined;
  /** The latest run of a workflow id (open or closed). */
  getCurrentRun(namespace: string, workflowId: string): RunState | undefined;
  /** Adds a run and makes it the current run of its workflow id. */
  putRun(run: RunState): void;
  /** Runs of a namespace, newest first. */
  listRuns(namespace: string): RunState[];
  /** Open runs across namespaces (time skipping checks them for outstanding work). */
  openRuns(): Iterable<RunState>;
  /** Called when a run closes, so the store can stop tracking it as open. */
  runClosed(run: RunState): void;
}

export function createMemoryStore(): Store {
  const namespaces = new Map<string, NamespaceRecord>();
  const runs = new Map<string, RunState>();
  const current = new Map<string, RunState>();
  const open = new Set<RunState>();
  const ordered = new Map<string, RunState[]>();
  const runKey = (ns: string, wid: string, rid: string) => `${ns}\u0000${wid}\u0000${rid}`;
  const idKey = (ns: string, wid: string) => `${ns}\u0000${wid}`;
  return {
    getNamespace: (name) => namespaces.get(name),
    putNamespace: (record) => void namespaces.set(record.name, record),
    listNamespaces: () => [...namespaces.values()],
    getRun: (ns, wid, rid) => runs.get(runKey(ns, wid, rid)),
    getCurrentRun: (ns, wid) => current.get(idKey(ns, wid)),
    putRun(run) {
      const { namespace, workflowId, runId } = run.key;
      runs.set(runKey(namespace, workflowId, runId), run);
      current.set(idKey(namespace, workflowId), run);
      open.add(run);
      let list = ordered.get(namespace);
      if (list === undefined) ordered.set(namespace, (list = []));
      list.push(run);
    },
    listRuns: (ns) => [...(ordered.get(ns) ?? [])].reverse(),
    openRuns: () => open,
    runClosed: (run) => void open.delete(run),
  };
}
