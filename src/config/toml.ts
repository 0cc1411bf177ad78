/**
 * A TOML reader for the subset Temporal's environment configuration uses
 * (temporal.toml): tables and dotted tables, dotted and quoted keys, basic,
 * literal and multi-line strings (PEM data is multi-line), booleans,
 * integers, floats, arrays and inline tables. Arrays of tables and dates are
 * refused with an error that says so. Written here to keep the core free of
 * dependencies.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  override readonly name = "TomlError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

export function parseToml(text: string): TomlTable {
  return new Reader(text.replace(/\r\n/g, "\n")).document();
}

const bareKey = /[A-Za-z0-9_-]/;

class Reader {
  private pos = 0;
  /** Tables created by a [header] or by a value, so a header cannot open them twice. */
  private readonly defined = new Set<TomlTable>();

  constructor(private readonly src: string) {}

  document(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.src.length) return root;
      if (this.peek() === "[") {
        if (this.src.startsWith("[[", this.pos)) this.fail("arrays of tables ([[...]]) are not used by Temporal's configuration and not supported");
        this.pos++;
        this.skipSpaces();
        const path = this.keyPath();
        this.skipSpaces();
        this.expect("]");
        current = this.openTable(root, path, true);
      } else {
        this.keyValue(current);
      }
      this.endOfLine();
    }
  }

  private keyValue(table: TomlTable): void {
    const path = this.keyPath();
    this.skipSpaces();
    this.expect("=");
    this.skipSpaces();
    const value = this.value();
    const parent = this.openTable(table, path.slice(0, -1), false);
    const last = path[path.length - 1] as string;
    if (Object.hasOwn(parent, last)) this.fail(`key "${path.join(".")}" is defined twice`);
    parent[last] = value;
  }

  private openTable(root: TomlTable, path: string[], header: boolean): TomlTable {
    let t = root;
    for (const [i, key] of path.entries()) {
      const next = t[key];
      if (next === undefined) {
        const created: TomlTable = {};
        t[key] = created;
        t = created;
      } else if (typeof next === "object" && !Array.isArray(next)) {
        t = next;
        if (header && i === path.length - 1 && this.defined.has(t)) this.fail(`table [${path.join(".")}] is defined twice`);
      } else {
        this.fail(`"${path.slice(0, i + 1).join(".")}" is a value, not a table`);
      }
    }
    if (header) this.defined.add(t);
    return t;
  }

  private keyPath(): string[] {
    const keys = [this.key()];
    for (;;) {
      this.skipSpaces();
      if (this.peek() !== ".") return keys;
      this.pos++;
      this.skipSpaces();
      keys.push(this.key());
    }
  }

  private key(): string {
    const c = this.peek();
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    const start = this.pos;
    while (this.pos < this.src.length && bareKey.test(this.src[this.pos] as string)) this.pos++;
    if (start === this.pos) this.fail(`expected a key, found ${this.describeHere()}`);
    return this.src.slice(start, this.pos);
  }

  private value(): TomlValue {
    const c = this.peek();
    if (this.src.startsWith('"""', this.pos)) return this.multilineString('"""');
    if (this.src.startsWith("'''", this.pos)) return this.multilineString("'''");
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    if (c === "[") return this.array();
    if (c === "{") return this.inlineTable();
    if (this.src.startsWith("true", this.pos) && !bareKey.test(this.src[this.pos + 4] ?? "")) {
      this.pos += 4;
      return true;
    }
    if (this.src.startsWith("false", this.pos) && !bareKey.test(this.src[this.pos + 5] ?? "")) {
      this.pos += 5;
      return false;
    }
    return this.number();
  }

  private number(): number {
    const m = /^[+-]?(?:inf|nan|0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?)/.exec(this.src.slice(this.pos));
    const text = m?.[0];
    if (!text || /^\d{4}-/.test(this.src.slice(this.pos, this.pos + 5))) {
      this.fail(`expected a value (a "string", a number, true/false, [array] or {table}), found ${this.describeHere()}`);
    }
    this.pos += text.length;
    const clean = text.replace(/_/g, "");
    if (/inf$/.test(clean)) return clean.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (/nan$/.test(clean)) return Number.NaN;
    if (/^0[xob]/.test(clean)) return Number(clean);
    return Number(clean);
  }

  private basicString(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === "\n") this.fail("unterminated string: close it with a double quote on the same line");
      this.pos++;
      if (c === '"') return out;
      out += c === "\\" ? this.escape() : c;
    }
  }

  private literalString(): string {
    this.pos++;
    const end = this.src.indexOf("'", this.pos);
    const nl = this.src.indexOf("\n", this.pos);
    if (end === -1 || (nl !== -1 && nl < end)) this.fail("unterminated string: close it with a single quote on the same line");
    const out = this.src.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private multilineString(delimiter: '"""' | "'''"): string {
    this.pos += 3;
    if (this.peek() === "\n") this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`unterminated multi-line string: close it with ${delimiter}`);
      if (this.src.startsWith(delimiter, this.pos)) {
        // Up to two quotes right before the closing delimiter belong to the string.
        let extra = 0;
        while (extra < 2 && this.src[this.pos + 3 + extra] === delimiter[0]) extra++;
        out += delimiter[0]?.repeat(extra) ?? "";
        this.pos += 3 + extra;
        return out;
      }
      const c = this.src[this.pos] as string;
      this.pos++;
      if (c === "\\" && delimiter === '"""') {
        if (/^[ \t]*\n/.test(this.src.slice(this.pos))) {
          while (/[ \t\n]/.test(this.src[this.pos] ?? "")) this.pos++;
        } else {
          out += this.escape();
        }
      } else {
        out += c;
      }
    }
  }

  private escape(): string {
    const c = this.src[this.pos];
    this.pos++;
    const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\", e: "\x1b" };
    if (c !== undefined && simple[c] !== undefined) return simple[c];
    if (c === "u" || c === "U") {
      const len = c === "u" ? 4 : 8;
      const hex = this.src.slice(this.pos, this.pos + len);
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) this.fail(`\\${c} needs ${len} hex digits`);
      this.pos += len;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    return this.fail(`unknown escape \\${c ?? ""} in a string: write \\\\ for a backslash, or use a 'literal string'`);
  }

  private array(): TomlValue[] {
    this.pos++;
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === "]") {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.skipBlank(true);
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "]") this.fail(`expected "," or "]" in an array, found ${this.describeHere()}`);
    }
  }

  private inlineTable(): TomlTable {
    this.pos++;
    const table: TomlTable = {};
    this.skipSpaces();
    if (this.peek() === "}") {
      this.pos++;
      return table;
    }
    for (;;) {
      this.skipSpaces();
      this.keyValue(table);
      this.skipSpaces();
      const c = this.peek();
      this.pos++;
      if (c === "}") return table;
      if (c !== ",") this.fail(`expected "," or "}" in an inline table, found ${c === undefined ? "the end" : JSON.stringify(c)}`);
    }
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  /** Skips spaces, comments and (when allowed) newlines. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === "#") {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      } else if (newlines && c === "\n") {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private endOfLine(): void {
    this.skipBlank(false);
    if (this.pos < this.src.length && this.peek() !== "\n") this.fail(`expected the end of the line, found ${this.describeHere()}`);
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected "${c}", found ${this.describeHere()}`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private describeHere(): string {
    const c = this.peek();
    if (c === undefined) return "the end of the file";
    if (c === "\n") return "the end of the line";
    return JSON.stringify(this.src.slice(this.pos, this.pos + 12).split("\n")[0]);
  }

  private fail(message: string): never {
    const before = this.src.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    throw new TomlError(message, line, column);
  }
}
