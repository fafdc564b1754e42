/**
 * A strict little reader of the Prometheus text format (0.0.4), for tests: it throws on anything a
 * scraper would reject or misread — a sample before its TYPE, a name outside its family, a bad
 * label or value, a repeated series, histogram buckets that fall or disagree with `_count`.
 */
export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  /** The value of one series; undefined if it is not there. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every series of a sample name, with its labels. */
  series(name: string): { labels: Record<string, string>; value: number }[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  let family: string | undefined;

  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name in: ${line}`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type in: ${line}`);
        if (types.has(name)) throw new Error(`second TYPE for ${name}`);
        types.set(name, rest);
        family = name;
      } else {
        help.set(name, rest);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    const type = family && types.get(family);
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    if (!family || !suffixes.some((s) => name === `${family}${s}`)) throw new Error(`sample ${name} outside its TYPE`);
    const labels = parseLabels(labelText, line);
    const value = parseValue(valueText, line);
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (samples.has(key)) throw new Error(`repeated series ${key}`);
    samples.set(key, { name, labels, value });
  }

  const series = (name: string) => [...samples.values()].filter((s) => s.name === name).map(({ labels, value }) => ({ labels, value }));
  for (const [name, type] of types) if (type === 'histogram') checkHistogram(name, series);
  return {
    types,
    help,
    series,
    value(name, labels = {}) {
      return series(name).find((s) => sameLabels(s.labels, labels))?.value;
    },
  };
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels in: ${line}`);
    const [, name = '', raw = ''] = m;
    if (name in labels) throw new Error(`repeated label ${name} in: ${line}`);
    labels[name] = raw.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function checkHistogram(name: string, series: Exposition['series']): void {
  const groups = new Map<string, { le: number; value: number }[]>();
  for (const { labels, value } of series(`${name}_bucket`)) {
    const { le, ...rest } = labels;
    if (le === undefined) throw new Error(`${name}_bucket without le`);
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), { le: parseValue(le, le), value }]);
  }
  for (const [key, buckets] of groups) {
    buckets.sort((a, b) => a.le - b.le);
    if (buckets.at(-1)?.le !== Infinity) throw new Error(`${name}${key}: no +Inf bucket`);
    if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1]!.value)) throw new Error(`${name}${key}: buckets fall`);
    const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
    const count = series(`${name}_count`).find((s) => sameLabels(s.labels, labels));
    if (count?.value !== buckets.at(-1)!.value) throw new Error(`${name}${key}: +Inf bucket differs from _count`);
    if (!series(`${name}_sum`).some((s) => sameLabels(s.labels, labels))) throw new Error(`${name}${key}: no _sum`);
  }
}
