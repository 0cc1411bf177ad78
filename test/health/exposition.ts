// An independent reader of the Prometheus text exposition format (0.0.4), so
// tests check the output's grammar rather than compare it with itself.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const nameRe = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const sampleRe = new RegExp(`^(${nameRe})(?:\\{(.*)\\})? (\\S+)$`);
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y;

export function parseExposition(text: string): Exposition {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] };
  for (const [i, line] of text.split("\n").slice(0, -1).entries()) {
    const where = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line.startsWith("# HELP ")) {
      const m = new RegExp(`^# HELP (${nameRe}) (.*)$`).exec(line);
      if (!m) throw new Error(`bad HELP at ${where}`);
      out.help.set(m[1] as string, m[2] as string);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const m = new RegExp(`^# TYPE (${nameRe}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      if (!m) throw new Error(`bad TYPE at ${where}`);
      if (out.types.has(m[1] as string)) throw new Error(`TYPE given twice at ${where}`);
      out.types.set(m[1] as string, m[2] as string);
      continue;
    }
    const m = sampleRe.exec(line);
    if (!m) throw new Error(`bad sample at ${where}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? "";
    labelRe.lastIndex = 0;
    while (labelRe.lastIndex < body.length) {
      const before = labelRe.lastIndex;
      const l = labelRe.exec(body);
      if (!l || labelRe.lastIndex === before) throw new Error(`bad labels at ${where}`);
      labels[l[1] as string] = (l[2] as string).replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    const raw = m[3] as string;
    const value = raw === "+Inf" ? Number.POSITIVE_INFINITY : raw === "-Inf" ? Number.NEGATIVE_INFINITY : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") throw new Error(`bad value at ${where}`);
    const name = m[1] as string;
    const family = name.replace(/_(bucket|sum|count)$/, "");
    if (!out.types.has(name) && !out.types.has(family)) throw new Error(`sample before its TYPE at ${where}`);
    out.samples.push({ name, labels, value });
  }
  return out;
}

export function sampleValue(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return e.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
