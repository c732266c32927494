/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it throws on
 * anything Prometheus or node_exporter's textfile collector would reject or read differently
 * (bad names, bad escapes, a TYPE after samples, a family split in two, a repeated series,
 * a value that is not a float, no final newline).
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly help?: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line.toString()}: '${text}' is not a float`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after '{'
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line.toString()}: unterminated label set`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`line ${line.toString()}: bad label name '${name}'`);
    if (name in labels) throw new Error(`line ${line.toString()}: label '${name}' given twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line.toString()}: label value of '${name}' is not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const ch = text[j];
      if (ch === undefined) throw new Error(`line ${line.toString()}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${line.toString()}: bad escape '\\${next ?? ''}' in label value`);
        j += 2;
        continue;
      }
      value += ch;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line.toString()}: expected ',' or '}' after label '${name}'`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family & { help?: string; type: Family['type'] }>();
  const series = new Set<string>();
  let current: string | undefined;
  const closed = new Set<string>();
  const family = (name: string, line: number) => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`line ${line.toString()}: family ${name} is split in two`);
      if (current !== undefined) closed.add(current);
      current = name;
    }
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  text.split('\n').slice(0, -1).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, keyword, name = '', rest = ''] = m;
      if (!METRIC.test(name)) throw new Error(`line ${line.toString()}: bad metric name '${name}'`);
      const f = family(name, line);
      if (keyword === 'HELP') {
        if (f.help !== undefined) throw new Error(`line ${line.toString()}: second HELP for ${name}`);
        f.help = rest;
      } else {
        if (!TYPES.has(rest)) throw new Error(`line ${line.toString()}: unknown type '${rest}'`);
        if (f.samples.length > 0 || f.type !== 'untyped') throw new Error(`line ${line.toString()}: TYPE of ${name} after its samples or twice`);
        f.type = rest as Family['type'];
      }
      return;
    }
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${line.toString()}: no value`);
    const name = raw.slice(0, nameEnd);
    if (!METRIC.test(name)) throw new Error(`line ${line.toString()}: bad metric name '${name}'`);
    let labels: Record<string, string> = {};
    let rest = raw.slice(nameEnd);
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/ +/);
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`line ${line.toString()}: expected ' value [timestamp]'`);
    const value = parseValue(parts[0] ?? '', line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line.toString()}: bad timestamp`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${line.toString()}: series ${name} ${JSON.stringify(labels)} given twice`);
    series.add(key);
    family(name, line).samples.push({ name, labels, value });
  });
  return families;
}
