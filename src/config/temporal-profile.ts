/**
 * Temporal's environment configuration: client profiles in a TOML file
 * (`[profile.<name>]` tables with address, namespace, api_key, [..tls] and
 * [..grpc_meta]), shared by the Temporal CLI and every official SDK. The file
 * is TEMPORAL_CONFIG_FILE or, by default, temporalio/temporal.toml in the
 * user's config folder; the profile is TEMPORAL_PROFILE or "default".
 */
import * as v from "valibot";
import { ConfigError, isNotFound } from "./errors.ts";
import { parseToml, TomlError } from "./toml.ts";

export interface TemporalProfileTls {
  disabled?: boolean;
  clientCertPath?: string;
  clientCertData?: string;
  clientKeyPath?: string;
  clientKeyData?: string;
  serverCaCertPath?: string;
  serverCaCertData?: string;
  serverName?: string;
  disableHostVerification?: boolean;
}

export interface TemporalProfile {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: TemporalProfileTls;
  grpcMeta?: Record<string, string>;
}

export interface LoadedProfile {
  profile: TemporalProfile;
  /** The TOML file read, or undefined when there was none. */
  file: string | undefined;
  /** The profile name used. */
  name: string;
}

export interface LoadProfileOptions {
  env: (name: string) => string | undefined;
  readTextFile: (path: string) => Promise<string>;
  /** Overrides TEMPORAL_CONFIG_FILE (the --temporal-config-file flag... or a test). */
  configFile?: string;
  /** Overrides TEMPORAL_PROFILE (the --profile flag). */
  profile?: string;
}

const str = v.string("must be a string");
const bool = v.boolean("must be true or false");
const ProfileSchema = v.object({
  address: v.optional(str),
  namespace: v.optional(str),
  api_key: v.optional(str),
  tls: v.optional(
    v.object({
      disabled: v.optional(bool),
      client_cert_path: v.optional(str),
      client_cert_data: v.optional(str),
      client_key_path: v.optional(str),
      client_key_data: v.optional(str),
      server_ca_cert_path: v.optional(str),
      server_ca_cert_data: v.optional(str),
      server_name: v.optional(str),
      disable_host_verification: v.optional(bool),
    }),
  ),
  grpc_meta: v.optional(v.record(v.string(), str)),
});

/** The candidate default files, most specific first (the user config folder differs by OS). */
export function defaultTemporalConfigFiles(env: (name: string) => string | undefined): string[] {
  const files: string[] = [];
  const appData = env("APPDATA");
  const xdg = env("XDG_CONFIG_HOME");
  const home = env("HOME");
  if (appData) files.push(`${appData}\\temporalio\\temporal.toml`);
  if (xdg) files.push(`${xdg}/temporalio/temporal.toml`);
  else if (home) files.push(`${home}/.config/temporalio/temporal.toml`);
  if (home) files.push(`${home}/Library/Application Support/temporalio/temporal.toml`);
  return files;
}

export async function loadTemporalProfile(options: LoadProfileOptions): Promise<LoadedProfile> {
  // As in Temporal's loaders, an empty variable counts as unset for these two.
  const explicitFile = options.configFile || options.env("TEMPORAL_CONFIG_FILE") || undefined;
  const explicitProfile = options.profile || options.env("TEMPORAL_PROFILE") || undefined;
  const name = explicitProfile ?? "default";
  const profileSource = options.profile ? "--profile" : "TEMPORAL_PROFILE";
  const candidates = explicitFile ? [explicitFile] : defaultTemporalConfigFiles(options.env);
  let file: string | undefined;
  let text: string | undefined;
  for (const candidate of candidates) {
    try {
      text = await options.readTextFile(candidate);
      file = candidate;
      break;
    } catch (err) {
      if (!isNotFound(err)) {
        throw new ConfigError([{ source: candidate, message: `cannot read the Temporal config file: ${describe(err)}` }]);
      }
    }
  }
  if (text === undefined || file === undefined) {
    if (explicitProfile) {
      const where = explicitFile ? `${explicitFile} does not exist` : `no Temporal config file found (looked in ${candidates.join(", ") || "no folder: HOME is unset"})`;
      throw new ConfigError([{ source: profileSource, message: `profile "${name}" not found: ${where}; create it or unset ${profileSource}` }]);
    }
    return { profile: {}, file: undefined, name };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) throw new ConfigError([{ source: file, message: `not valid TOML: ${err.message}` }]);
    throw err;
  }
  const profiles = doc.profile;
  const raw = profiles && typeof profiles === "object" && !Array.isArray(profiles) ? (profiles as Record<string, unknown>)[name] : undefined;
  if (raw === undefined) {
    if (explicitProfile) {
      const known = profiles && typeof profiles === "object" ? Object.keys(profiles) : [];
      throw new ConfigError([
        {
          source: profileSource,
          message: `profile "${name}" not found in ${file} (profiles there: ${known.join(", ") || "none"}); add [profile.${name}] or pick another`,
        },
      ]);
    }
    return { profile: {}, file, name };
  }
  const parsed = v.safeParse(ProfileSchema, raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.issues.map((issue) => ({
        source: `${file}: profile.${name}.${issue.path?.map((p) => String(p.key)).join(".") ?? ""}`,
        message: issue.message,
      })),
    );
  }
  return { profile: fromToml(parsed.output), file, name };
}

function fromToml(p: v.InferOutput<typeof ProfileSchema>): TemporalProfile {
  const out: TemporalProfile = {};
  if (p.address) out.address = p.address;
  if (p.namespace) out.namespace = p.namespace;
  if (p.api_key) out.apiKey = p.api_key;
  if (p.tls) {
    const t = p.tls;
    const tls: TemporalProfileTls = {};
    if (t.disabled !== undefined) tls.disabled = t.disabled;
    if (t.client_cert_path) tls.clientCertPath = t.client_cert_path;
    if (t.client_cert_data) tls.clientCertData = t.client_cert_data;
    if (t.client_key_path) tls.clientKeyPath = t.client_key_path;
    if (t.client_key_data) tls.clientKeyData = t.client_key_data;
    if (t.server_ca_cert_path) tls.serverCaCertPath = t.server_ca_cert_path;
    if (t.server_ca_cert_data) tls.serverCaCertData = t.server_ca_cert_data;
    if (t.server_name) tls.serverName = t.server_name;
    if (t.disable_host_verification !== undefined) tls.disableHostVerification = t.disable_host_verification;
    out.tls = tls;
  }
  if (p.grpc_meta) {
    // Temporal normalises metadata keys: lower case, "_" becomes "-".
    out.grpcMeta = Object.fromEntries(Object.entries(p.grpc_meta).map(([k, value]) => [normalizeMetaKey(k), value]));
  }
  return out;
}

export function normalizeMetaKey(key: string): string {
  return key.toLowerCase().replace(/_/g, "-");
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
