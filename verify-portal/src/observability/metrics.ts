/**
 * A small metrics registry and its Prometheus text exposition (format 0.0.4:
 * https://prometheus.io/docs/instrumenting/exposition_formats/). Counters, callback gauges and
 * fixed-bucket histograms are all the portal needs; `prom-client` would add a dependency and a
 * global default registry for the same few dozen lines.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The value of each declared label, e.g. `{ route: '/oauth/token', method: 'POST' }`. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

interface Sample {
  suffix: string;
  labels: readonly (readonly [string, string])[];
  value: number;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  samples(): Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Series of one metric, keyed by their label values in declaration order. */
class Series<L extends string, V> {
  readonly #byKey = new Map<string, { labels: LabelValues<L>; value: V }>();
  constructor(
    private readonly labelNames: readonly L[],
    private readonly initial: () => V,
  ) {}

  get(labels: LabelValues<L>): V {
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    let entry = this.#byKey.get(key);
    if (!entry) this.#byKey.set(key, (entry = { labels, value: this.initial() }));
    return entry.value;
  }

  *entries(): Generator<[readonly (readonly [string, string])[], V]> {
    for (const { labels, value } of this.#byKey.values()) yield [this.labelNames.map((name) => [name, labels[name]] as const), value];
  }
}

export class Counter<L extends string = never> implements Metric {
  readonly type = 'counter';
  readonly #series: Series<L, { n: number }>;
  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly L[],
  ) {
    this.#series = new Series(labelNames, () => ({ n: 0 }));
  }

  inc(labels: LabelValues<L>, by = 1): void {
    this.#series.get(labels).n += by;
  }

  /** Shows a series at 0 before it first counts, so a rate over it is defined from the start. */
  init(labels: LabelValues<L>): void {
    this.#series.get(labels);
  }

  samples(): Sample[] {
    return [...this.#series.entries()].map(([labels, { n }]) => ({ suffix: '', labels, value: n }));
  }
}

/** A gauge read when scraped (open connections, memory): nothing to keep up to date. */
export class Gauge implements Metric {
  readonly type = 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  samples(): Sample[] {
    return [{ suffix: '', labels: [], value: this.read() }];
  }
}

interface HistogramState {
  /** Per bucket (not cumulative); one more than there are bounds, for +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> implements Metric {
  readonly type = 'histogram';
  readonly #series: Series<L, HistogramState>;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    labelNames: readonly L[],
  ) {
    if (labelNames.includes('le' as L)) throw new Error('"le" is the bucket label of a histogram');
    if (bounds.some((b, i) => i > 0 && b <= bounds[i - 1]!)) throw new Error(`${name}: buckets must increase`);
    this.#series = new Series(labelNames, () => ({ counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(labels: LabelValues<L>, value: number): void {
    const state = this.#series.get(labels);
    const index = this.bounds.findIndex((bound) => value <= bound);
    state.counts[index === -1 ? this.bounds.length : index]! += 1;
    state.sum += value;
    state.count += 1;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const [labels, state] of this.#series.entries()) {
      let cumulative = 0;
      [...this.bounds, Infinity].forEach((bound, i) => {
        cumulative += state.counts[i]!;
        out.push({ suffix: '_bucket', labels: [...labels, ['le', formatNumber(bound)]], value: cumulative });
      });
      out.push({ suffix: '_sum', labels, value: state.sum }, { suffix: '_count', labels, value: state.count });
    }
    return out;
  }
}

export class Registry {
  readonly #metrics = new Map<string, Metric>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.#add(new Counter(name, help, labelNames), labelNames);
  }

  gauge(name: string, help: string, read: () => number): Gauge {
    return this.#add(new Gauge(name, help, read), []);
  }

  histogram<L extends string = never>(name: string, help: string, buckets: readonly number[], labelNames: readonly L[] = []): Histogram<L> {
    return this.#add(new Histogram(name, help, buckets, labelNames), labelNames);
  }

  /** Every metric in the text exposition format, in registration order. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.#metrics.values()) {
      lines.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${metric.name} ${metric.type}`);
      for (const { suffix, labels, value } of metric.samples()) {
        const set = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
        lines.push(`${metric.name}${suffix}${set} ${formatNumber(value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #add<M extends Metric>(metric: M, labelNames: readonly string[]): M {
    if (!METRIC_NAME.test(metric.name)) throw new Error(`invalid metric name ${metric.name}`);
    for (const label of labelNames) if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`invalid label name ${label}`);
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is already registered`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
