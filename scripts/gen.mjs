#!/usr/bin/env node
// Regenerates gen/ from the upstream Temporal API protos.
//
// The .proto files are a dependency: they are copied from the pinned
// @temporalio/core-bridge package (which vendors temporalio/api as
// sdk-core/crates/protos/protos/api_upstream) into the git-ignored proto/vendor/,
// then buf runs protoc-gen-es over the services this project uses. gen/ is
// committed; CI regenerates it and fails when the result differs.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const bridgeDir = dirname(require.resolve("@temporalio/core-bridge/package.json"));
const bridgeVersion = JSON.parse(readFileSync(join(bridgeDir, "package.json"), "utf8")).version;
const upstream = join(bridgeDir, "sdk-core/crates/protos/protos/api_upstream");
if (!existsSync(upstream)) {
  throw new Error(`no upstream protos at ${upstream}: is @temporalio/core-bridge installed (npm ci)?`);
}

const vendor = join(root, "proto/vendor");
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
// Only what the generated services import: the Temporal API, google/api
// annotations and nexus annotations. Well-known types come from @bufbuild/protobuf.
for (const dir of ["temporal", "google/api", "nexusannotations"]) {
  cpSync(join(upstream, dir), join(vendor, dir), { recursive: true });
}
// sdk-core's own protos define the boundary between the engine and the
// workflow runtime (activations, workflow commands, completions); we use the
// same data so our job ordering and command shapes are sdk-core's.
const core = join(bridgeDir, "sdk-core/crates/protos/protos/local/temporal/sdk/core");
for (const dir of ["workflow_activation", "workflow_commands", "workflow_completion", "activity_result", "activity_task", "child_workflow", "common", "nexus"]) {
  cpSync(join(core, dir), join(vendor, "temporal/sdk/core", dir), { recursive: true });
}

const gen = join(root, "gen");
rmSync(gen, { recursive: true, force: true });
const bin = join(root, "node_modules/.bin");
const services = [
  "temporal/api/workflowservice/v1/service.proto",
  "temporal/api/operatorservice/v1/service.proto",
  "temporal/sdk/core/workflow_activation/workflow_activation.proto",
  "temporal/sdk/core/workflow_completion/workflow_completion.proto",
];
execFileSync(
  join(bin, "buf"),
  ["generate", ...services.flatMap((p) => ["--path", join("vendor", p)])],
  { cwd: join(root, "proto"), stdio: "inherit", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
);
console.log(`gen/ regenerated from @temporalio/core-bridge@${bridgeVersion} protos`);
