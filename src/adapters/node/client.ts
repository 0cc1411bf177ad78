// "temporal-edge-worker/client" on Node: the client with the Node platform bound.
import { setDefaultClientPlatform } from "../../client/index.ts";
import { nodePlatform } from "./platform.ts";

setDefaultClientPlatform(nodePlatform);

export * from "../../client/index.ts";
