/** A small trend line in SVG (no chart library needed for the overview); nulls break the line. */
export function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const width = 120;
  const height = 32;
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  const min = Math.min(...known);
  const max = Math.max(...known);
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
      <path d={path} fill="none" stroke="currentColor" strokeWidth="1.6" />
      {last !== null && last !== undefined && <circle cx={x(lastIndex)} cy={y(last)} r="2.6" fill="currentColor" />}
    </svg>
  );
}
