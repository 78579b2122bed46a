import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as echarts from 'echarts';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { ReportKpi } from './content.ts';
import type { Formatter } from './format.ts';

/**
 * Trend charts drawn on the server, without a browser: ECharts' server-side SVG renderer gives
 * the vector drawing the PDF embeds; for e-mail (where Gmail and Outlook show no inline SVG) the
 * same SVG is rasterized to PNG by resvg compiled to WebAssembly, with the shipped font.
 */
const require = createRequire(import.meta.url);

/** The TrueType fonts shipped with the dejavu-fonts-ttf package (Latin, Cyrillic, Lithuanian letters). */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};
export const FONT_FAMILY = 'DejaVu Sans';

const BLUE = '#2f5597';
const GREY = '#9aa3ad';
const RED = '#c0392b';

export function trendSvg(kpi: ReportKpi, fmt: Formatter, grain: 'month' | 'quarter', width = 500, height = 150) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const hasTarget = kpi.trend.some((p) => p.target !== null);
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: 9, color: '#333' },
    grid: { left: 8, right: 12, top: 12, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      data: kpi.trend.map((p) => fmt.shortPeriod(p.period, grain)),
      axisLabel: { fontSize: 7.5, interval: 1, hideOverlap: true },
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: 'value',
      scale: true,
      splitNumber: 3,
      axisLabel: { fontSize: 8, formatter: (v: number) => fmt.value(v, kpi.unit) },
      splitLine: { lineStyle: { color: '#e3e6ea' } },
    },
    series: [
      {
        type: 'line',
        connectNulls: false,
        symbolSize: 5,
        lineStyle: { color: BLUE, width: 1.6 },
        data: kpi.trend.map((p) => ({
          value: p.value,
          // Low-sample periods are drawn hollow and grey: the value is shown, but less sure.
          itemStyle: { color: p.low_sample ? '#fff' : BLUE, borderColor: p.low_sample ? GREY : BLUE },
        })),
      },
      ...(hasTarget
        ? [
            {
              type: 'line',
              symbol: 'none',
              step: 'middle',
              lineStyle: { color: RED, type: 'dashed', width: 1 },
              data: kpi.trend.map((p) => p.target),
            },
          ]
        : []),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

let ready: Promise<void> | undefined;
let fonts: Uint8Array[] | undefined;

/** A PNG of an SVG at twice its size (sharp on high-density screens). */
export async function svgToPng(svg: string, zoom = 2): Promise<Buffer> {
  ready ??= initWasm(fs.readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  await ready;
  fonts ??= [fs.readFileSync(FONT_FILES.regular)];
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: '#ffffff',
    font: { fontBuffers: fonts, defaultFontFamily: FONT_FAMILY, loadSystemFonts: false },
  }).render();
  const png = Buffer.from(image.asPng());
  image.free();
  return png;
}
