/** Reads Prometheus text exposition: sample values by series, and the declared metric types. */

export interface Exposition {
  /** `name{label="value",...}` exactly as exposed → value. */
  samples: Map<string, number>;
  /** Metric name → type, from the `# TYPE` lines. */
  types: Map<string, string>;
}

export function parseExposition(text: string): Exposition {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { samples, types };
}

/** The sum of a metric's samples whose labels include all of `labels` (0 when there are none). */
export function sumOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [series, value] of exposition.samples) {
    const brace = series.indexOf('{');
    if ((brace < 0 ? series : series.slice(0, brace)) !== name) continue;
    const wanted = Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`));
    if (wanted) sum += value;
  }
  return sum;
}
