// Path arithmetic on plain strings: the core has no node:path. Enough for
// resolving module and certificate paths against a config file's folder.

export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

export function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (i === -1) return ".";
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/** `relative` resolved against `base` (a folder); absolute paths are kept as they are. */
export function resolveFrom(base: string, relative: string): string {
  if (isAbsolutePath(relative) || base === "." || base === "") return relative;
  const sep = base.includes("\\") && !base.includes("/") ? "\\" : "/";
  const trimmed = relative.replace(/^\.[\\/]/, "");
  return `${base.replace(/[\\/]+$/, "")}${sep}${trimmed}`;
}
