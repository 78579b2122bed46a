/**
 * A small trend line in SVG (no chart library needed for the overview) with its 95 % interval as
 * a band; nulls break the line and the band. `targets` (the target in force per period) is drawn
 * as a dashed step line, so a target changed mid-year shows as a step.
 */
export function Sparkline({
  values,
  lows = [],
  highs = [],
  targets = [],
  label,
}: {
  values: Array<number | null>;
  lows?: Array<number | null>;
  highs?: Array<number | null>;
  targets?: Array<number | null | undefined>;
  label: string;
}) {
  const width = 120;
  const height = 32;
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  const bounds = [...known, ...lows, ...highs, ...targets].filter((v): v is number => v !== null && v !== undefined);
  const min = Math.min(...bounds);
  const max = Math.max(...bounds);
  const span = max - min || 1;
  const x = (i: number) => 2 + (i * (width - 4)) / Math.max(1, values.length - 1);
  const y = (v: number) => height - 3 - ((v - min) / span) * (height - 6);
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  // The band: each run of periods with both bounds, along the highs and back along the lows.
  let band = '';
  let run: number[] = [];
  const close = () => {
    if (run.length > 1)
      band +=
        run.map((i, k) => `${k ? 'L' : 'M'}${x(i).toFixed(1)},${y(highs[i]!).toFixed(1)}`).join('') +
        [...run]
          .reverse()
          .map((i) => `L${x(i).toFixed(1)},${y(lows[i]!).toFixed(1)}`)
          .join('') +
        'Z';
    run = [];
  };
  values.forEach((v, i) => {
    if (v !== null && lows[i] != null && highs[i] != null) run.push(i);
    else close();
  });
  close();
  // Each period's target spans half a step either side of its point; neighbours join with a riser.
  let goal = '';
  const half = (width - 4) / Math.max(1, values.length - 1) / 2;
  targets.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const left = Math.max(2, x(i) - half);
    const joined = i > 0 && targets[i - 1] !== null && targets[i - 1] !== undefined;
    goal += `${joined ? 'L' : 'M'}${left.toFixed(1)},${y(v).toFixed(1)}L${Math.min(width - 2, x(i) + half).toFixed(1)},${y(v).toFixed(1)}`;
  });
  const lastIndex = values.length - 1 - [...values].reverse().findIndex((v) => v !== null);
  const last = values[lastIndex];
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      {band && <path className="sparkline-band" d={band} fill="currentColor" opacity="0.15" stroke="none" />}
      {goal && (
        <path
          className="sparkline-target"
          data-testid="sparkline-target"
          d={goal}
          fill="none"
          stroke="var(--worse)"
          strokeWidth="1.2"
          strokeDasharray="3 2"
        />
      )}
      <path d={path} fill="none" stroke="currentColor" strokeWidth="1.6" />
      {last !== null && last !== undefined && <circle cx={x(lastIndex)} cy={y(last)} r="2.6" fill="currentColor" />}
    </svg>
  );
}
