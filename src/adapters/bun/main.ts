// Entry point of the `worker` CLI on Bun.
import "../../cli/commands.ts";
import { runCli } from "../../cli/main.ts";
import { bunPlatform } from "./platform.ts";

const argv = process.argv.slice(2);
runCli(argv, bunPlatform).then(
  (code) => bunPlatform.exit(code),
  (err: unknown) => {
    bunPlatform.write("stderr", `error: ${err instanceof Error ? err.message : String(err)}\n`);
    bunPlatform.exit(1);
  },
);
