import type { Platform } from "../platform/platform.ts";
import { VERSION } from "../common/version.ts";
import { formatOptions, type OptionSpecs, parseArgs, UsageError } from "./args.ts";

const globalOptions: OptionSpecs = {
  help: { type: "boolean", short: "h", description: "Show this help and exit" },
  version: { type: "boolean", description: "Print the version and exit" },
};

/** A subcommand of the `worker` CLI. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpecs;
  run(args: { values: Record<string, unknown>; positionals: string[] }, platform: Platform): Promise<number>;
}

const commands: Command[] = [];

/** Registers a subcommand; later issues add run, dev-server, replay and workflow. */
export function registerCommand(command: Command): void {
  commands.push(command);
}

let defaultCommandName: string | undefined;

/** Names the command run when no command is given (`worker --dev` means `worker run --dev`). */
export function setDefaultCommand(name: string): void {
  defaultCommandName = name;
}

function mainHelp(runtime: string): string {
  const launcher = runtime === "bun" ? "bun run worker" : runtime === "deno" ? "deno task worker" : "node worker";
  const list = commands.map((c) => `  ${c.name.padEnd(12)}${c.summary}${c.name === defaultCommandName ? " [default]" : ""}`).join("\n");
  return `temporal-edge-worker ${VERSION}: a Temporal Worker Process for Node, Bun and Deno

Usage: ${launcher} [command] [options]

Commands:
${list || "  (none yet)"}

Options:
${formatOptions(globalOptions)}

Run "${launcher} <command> --help" for the options of a command.
`;
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[], platform: Platform): Promise<number> {
  const first = argv[0];
  const named = first !== undefined && !first.startsWith("-") ? commands.find((c) => c.name === first) : undefined;
  // Without a command name the default command runs, except for a bare --help or --version.
  const globalOnly = argv.length > 0 && argv.every((a) => a === "--help" || a === "-h" || a === "--version");
  const fallback = first === undefined || first.startsWith("-") ? commands.find((c) => c.name === defaultCommandName) : undefined;
  const command = named ?? (globalOnly ? undefined : fallback);
  try {
    if (command) {
      const specs = { ...globalOptions, ...command.options };
      const parsed = parseArgs(named ? argv.slice(1) : argv, specs);
      if (parsed.values.help) {
        platform.write("stdout", `Usage: ${command.usage}\n\n${command.summary}\n\nOptions:\n${formatOptions(specs)}\n`);
        return 0;
      }
      return await command.run(parsed, platform);
    }
    if (first !== undefined && !first.startsWith("-")) {
      throw new UsageError(`unknown command "${first}"; commands: ${commands.map((c) => c.name).join(", ") || "none yet"}`);
    }
    const parsed = parseArgs(argv, globalOptions);
    if (parsed.values.version) {
      platform.write("stdout", `${VERSION}\n`);
      return 0;
    }
    platform.write(parsed.values.help ? "stdout" : "stderr", mainHelp(platform.runtime));
    return parsed.values.help ? 0 : 2;
  } catch (err) {
    if (err instanceof UsageError) {
      platform.write("stderr", `error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
