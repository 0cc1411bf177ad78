/**
 * A small argv parser (the core may not use node:util's parseArgs): long
 * options `--name value` or `--name=value`, boolean flags, repeatable options
 * and positionals. Unknown options are errors that list the known ones.
 */
export interface OptionSpec {
  /** "string" takes a value; "boolean" does not. */
  type: "string" | "boolean";
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  short?: string;
  description: string;
  /** Shown in help, e.g. "HOST:PORT". */
  valueName?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const values: ParsedArgs["values"] = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith("-") && arg.length === 2) {
      name = byShort.get(arg.slice(1));
      if (name === undefined) throw new UsageError(`unknown option ${arg}; known: ${known(specs)}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name}; known: ${known(specs)}`);
    let value: string | boolean;
    if (spec.type === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new UsageError(`--${name} is a flag: give it alone or as --${name}=true|false`);
      }
      value = inline !== "false";
    } else if (inline !== undefined) {
      value = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`--${name} needs a value${spec.valueName ? ` (${spec.valueName})` : ""}`);
      }
      value = next;
      i++;
    }
    if (spec.multiple) {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(String(value));
      values[name] = list;
    } else {
      values[name] = value;
    }
  }
  return { values, positionals };
}

function known(specs: OptionSpecs): string {
  return Object.keys(specs)
    .map((n) => `--${n}`)
    .join(", ");
}

/** Renders the options table of a help text. */
export function formatOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : "    "}--${name}${s.type === "string" ? ` ${s.valueName ?? "VALUE"}` : ""}`;
    return [flag, s.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`).join("\n");
}
