import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowService } from "../../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  GetSystemInfoResponseSchema,
  ListNamespacesResponseSchema,
  RegisterNamespaceResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { alreadyExists, notFound, requireField } from "../errors.ts";
import { addNamespace, describeNamespace } from "../namespaces.ts";
import { durationMs } from "../time.ts";

/** The Temporal server version whose behaviour the dev server follows. */
export const serverVersion = "1.29.0";

type Impl = Partial<ServiceImpl<typeof WorkflowService>>;

export function systemRpcs(ctx: EngineContext): Impl {
  return {
    getSystemInfo() {
      // What a current server reports, minus what the dev server lacks
      // (schedules, worker versioning, eager start, Nexus).
      return create(GetSystemInfoResponseSchema, {
        serverVersion,
        capabilities: {
          signalAndQueryHeader: true,
          internalErrorDifferentiation: true,
          activityFailureIncludeHeartbeat: true,
          supportsSchedules: false,
          encodedFailureAttributes: true,
          buildIdBasedVersioning: false,
          upsertMemo: true,
          eagerWorkflowStart: false,
          sdkMetadata: true,
          countGroupByExecutionStatus: true,
          nexus: false,
        },
      });
    },
    describeNamespace(req) {
      const record = req.id
        ? ctx.store.listNamespaces().find((n) => n.id === req.id)
        : ctx.store.getNamespace(requireField(req.namespace, "namespace"));
      if (record === undefined) throw notFound(`namespace "${req.namespace || req.id}" is not found`);
      return describeNamespace(record);
    },
    registerNamespace(req) {
      const name = requireField(req.namespace, "namespace");
      if (ctx.store.getNamespace(name) !== undefined) throw alreadyExists(`namespace "${name}" already exists`);
      addNamespace(ctx.store, name, {
        description: req.description,
        ownerEmail: req.ownerEmail,
        retentionMs: durationMs(req.workflowExecutionRetentionPeriod),
        data: req.data,
      });
      return create(RegisterNamespaceResponseSchema, {});
    },
    listNamespaces() {
      return create(ListNamespacesResponseSchema, { namespaces: ctx.store.listNamespaces().map(describeNamespace) });
    },
  };
}
