/**
 * The server's own numbers for `GET /metrics`, kept in memory per process and written in the
 * Prometheus text exposition format (version 0.0.4). Counters and histograms are recorded as
 * requests and imports happen; gauges (queue depth, database pool) are read when scraped.
 */

type Labels = Record<string, string>;

/** Upper bounds of the request-latency buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

interface Series<T> {
  labels: Labels;
  value: T;
}

class Family<T> {
  private readonly series = new Map<string, Series<T>>();
  constructor(private readonly create: () => T) {}
  get(labels: Labels): T {
    const key = JSON.stringify(Object.entries(labels));
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, value: this.create() }));
    return entry.value;
  }
  entries(): Array<Series<T>> {
    return [...this.series.values()];
  }
}

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

/** A gauge as read at scrape time: one line per label set. */
export interface Gauge {
  name: string;
  help: string;
  samples: Array<{ labels?: Labels; value: number }>;
}

export interface Telemetry {
  /** One answered HTTP request: its route pattern (never the raw path), status and duration. */
  recordRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** The rows of one finished import, by outcome. */
  recordImport(entity: string, summary: ImportCounts): void;
  /** The exposition text: the recorded series, then `gauges` read by the caller. */
  render(gauges: Gauge[]): string;
}

export interface ImportCounts {
  status: string;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

const IMPORT_OUTCOMES = ['inserted', 'updated', 'unchanged', 'rejected'] as const;

export function createTelemetry(): Telemetry {
  const requests = new Family(() => ({ n: 0 }));
  const latency = new Family<Histogram>(() => ({
    buckets: new Array<number>(LATENCY_BUCKETS.length).fill(0),
    sum: 0,
    count: 0,
  }));
  const importRows = new Family(() => ({ n: 0 }));
  const imports = new Family(() => ({ n: 0 }));

  return {
    recordRequest({ method, route, status, seconds }) {
      requests.get({ method, route, status: String(status) }).n++;
      const histogram = latency.get({ method, route });
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) histogram.buckets[i]!++;
      histogram.sum += seconds;
      histogram.count++;
    },
    recordImport(entity, summary) {
      imports.get({ entity, status: summary.status }).n++;
      for (const outcome of IMPORT_OUTCOMES) importRows.get({ entity, outcome }).n += summary[outcome];
    },
    render(gauges) {
      const out: string[] = [];
      const header = (name: string, type: string, help: string) =>
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      header('cxkpi_http_requests_total', 'counter', 'HTTP requests answered, by method, route pattern and status.');
      for (const { labels, value } of requests.entries())
        out.push(`cxkpi_http_requests_total${labelText(labels)} ${value.n}`);
      header('cxkpi_http_request_duration_seconds', 'histogram', 'Time to answer an HTTP request, by route pattern.');
      for (const { labels, value } of latency.entries()) {
        LATENCY_BUCKETS.forEach((le, i) =>
          out.push(
            `cxkpi_http_request_duration_seconds_bucket${labelText({ ...labels, le: String(le) })} ${value.buckets[i]}`,
          ),
        );
        out.push(`cxkpi_http_request_duration_seconds_bucket${labelText({ ...labels, le: '+Inf' })} ${value.count}`);
        out.push(`cxkpi_http_request_duration_seconds_sum${labelText(labels)} ${number(value.sum)}`);
        out.push(`cxkpi_http_request_duration_seconds_count${labelText(labels)} ${value.count}`);
      }
      header(
        'cxkpi_imports_total',
        'counter',
        'Imports through the HTTP API, by entity and status (dry runs excluded).',
      );
      for (const { labels, value } of imports.entries()) out.push(`cxkpi_imports_total${labelText(labels)} ${value.n}`);
      header('cxkpi_import_rows_total', 'counter', 'Imported records by entity and outcome (dry runs excluded).');
      for (const { labels, value } of importRows.entries())
        out.push(`cxkpi_import_rows_total${labelText(labels)} ${value.n}`);
      for (const gauge of gauges) {
        header(gauge.name, 'gauge', gauge.help);
        for (const sample of gauge.samples)
          out.push(`${gauge.name}${labelText(sample.labels ?? {})} ${number(sample.value)}`);
      }
      return `${out.join('\n')}\n`;
    },
  };
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
