// Entry point of the `worker` CLI on Node.
import "../../cli/commands.ts";
import { runCli } from "../../cli/main.ts";
import { nodePlatform } from "./platform.ts";

const argv = process.argv.slice(2);
runCli(argv, nodePlatform).then(
  (code) => nodePlatform.exit(code),
  (err: unknown) => {
    nodePlatform.write("stderr", `error: ${err instanceof Error ? err.message : String(err)}\n`);
    nodePlatform.exit(1);
  },
);
