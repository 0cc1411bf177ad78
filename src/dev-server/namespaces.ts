import { create } from "@bufbuild/protobuf";
import { NamespaceState } from "../../gen/temporal/api/enums/v1/namespace_pb.ts";
import {
  type DescribeNamespaceResponse,
  DescribeNamespaceResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { ArchivalState } from "../../gen/temporal/api/enums/v1/namespace_pb.ts";
import { newId } from "./ids.ts";
import type { NamespaceRecord, Store } from "./store.ts";
import { duration } from "./time.ts";

/** Retention a fresh namespace gets (the CLI's start-dev default is a day). */
const defaultRetentionMs = 24 * 3600_000;

export function addNamespace(store: Store, name: string, options: Partial<Omit<NamespaceRecord, "name" | "id">> = {}): NamespaceRecord {
  const record: NamespaceRecord = {
    name,
    id: newId(),
    description: options.description ?? "",
    ownerEmail: options.ownerEmail ?? "",
    retentionMs: options.retentionMs || defaultRetentionMs,
    data: options.data ?? {},
  };
  store.putNamespace(record);
  return record;
}

/** A namespace as DescribeNamespace and ListNamespaces report it, with the capabilities the dev server has. */
export function describeNamespace(record: NamespaceRecord): DescribeNamespaceResponse {
  return create(DescribeNamespaceResponseSchema, {
    namespaceInfo: {
      name: record.name,
      state: NamespaceState.REGISTERED,
      description: record.description,
      ownerEmail: record.ownerEmail,
      data: record.data,
      id: record.id,
      capabilities: { eagerWorkflowStart: false, syncUpdate: true, asyncUpdate: true, workerHeartbeats: false },
      supportsSchedules: false,
    },
    config: {
      workflowExecutionRetentionTtl: duration(record.retentionMs),
      historyArchivalState: ArchivalState.DISABLED,
      visibilityArchivalState: ArchivalState.DISABLED,
    },
    replicationConfig: { activeClusterName: "active", clusters: [{ clusterName: "active" }] },
    isGlobalNamespace: false,
  });
}
