import { useEffect, useRef, useState } from 'react';
import type { ECharts, EChartsCoreOption } from 'echarts/core';
import { Loading } from './states.tsx';

let loader: Promise<typeof import('../echarts.ts')> | undefined;

export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * An ECharts chart, loaded on first use. A click on a point or a bar reports it; a click elsewhere
 * in the plot reports the category under the pointer and the series nearest to it, so thin lines
 * need no aim.
 */
export function Chart({
  option,
  onSelect,
  height = 340,
  label,
}: {
  option: EChartsCoreOption;
  onSelect?: (click: ChartClick) => void;
  height?: number;
  label: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);
  const select = useRef(onSelect);
  select.current = onSelect;
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    loader ??= import('../echarts.ts');
    void loader.then(({ echarts }) => {
      if (disposed || !element.current) return;
      const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
      chart.current = instance;
      instance.on('click', (params) => {
        const p = params as { seriesIndex?: number; dataIndex?: number };
        if (p.seriesIndex !== undefined && p.dataIndex !== undefined)
          select.current?.({ seriesIndex: p.seriesIndex, dataIndex: p.dataIndex });
      });
      instance.getZr().on('click', (event) => {
        if (event.target) return; // a point or bar: handled above
        const point = [event.offsetX, event.offsetY];
        if (!instance.containPixel('grid', point)) return;
        const [index] = instance.convertFromPixel({ gridIndex: 0 }, point) as number[];
        const series =
          (instance.getOption().series as Array<{ data: Array<number | null | { value: number | null }> }>) ?? [];
        if (index === undefined || index < 0 || !series.length) return;
        let best = -1;
        let bestDistance = Infinity;
        series.forEach((s, i) => {
          const raw = s.data[Math.round(index)];
          const value = raw !== null && typeof raw === 'object' ? raw.value : raw;
          if (value === null || value === undefined) return;
          const [, y] = instance.convertToPixel({ gridIndex: 0 }, [Math.round(index), value]) as number[];
          const distance = Math.abs((y ?? 0) - event.offsetY);
          if (distance < bestDistance) [best, bestDistance] = [i, distance];
        });
        if (best >= 0) select.current?.({ seriesIndex: best, dataIndex: Math.round(index) });
      });
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(element.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    if (ready) chart.current?.setOption(option, true);
  }, [option, ready]);

  return (
    <div className="chart" style={{ height }} role="img" aria-label={label} data-testid="chart" data-ready={ready}>
      {!ready && <Loading inline />}
      <div ref={element} className="chart-canvas" style={{ height }} />
    </div>
  );
}
