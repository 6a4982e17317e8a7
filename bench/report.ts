// Writes a run's results: the JSON record (timestamped and latest.json), a Markdown table (latest.md) and a
// PNG plot of the latency distributions (latest.png, not committed). The chart is an ECharts option rendered
// to SVG on the server side and rasterised with resvg: no browser, no native canvas.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';

export interface Series {
  name: string;
  /** Latency samples in ms. */
  samples: number[];
}

/** Empirical CDF points [ms, share] of a sample set. */
function cdf(samples: readonly number[]): [number, number][] {
  const sorted = [...samples].filter((v) => v > 0).sort((a, b) => a - b);
  const points: [number, number][] = sorted.map((v, i) => [Math.round(v * 10) / 10, (i + 1) / sorted.length]);
  return sorted.length ? [[points[0]![0], 0], ...points] : points;
}

export function latencyChartSvg(series: Series[], baselineMs: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 1100, height: 680 });
  // The axis starts at the power of ten below the fastest sample, so no series falls off its left edge.
  const fastest = Math.min(...series.flatMap((s) => s.samples.filter((v) => v > 0)), 100);
  const minMs = 10 ** Math.floor(Math.log10(fastest));
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: { text: 'Sync latency, cumulative distribution (log time axis)', left: 'center', textStyle: { fontSize: 16 } },
    legend: { bottom: 10, type: 'plain', itemGap: 18 },
    grid: { left: 80, right: 40, top: 60, bottom: 140 },
    xAxis: { type: 'log', name: 'latency from the edit to the other side showing it (ms)', nameLocation: 'middle', nameGap: 32, min: minMs, max: Math.max(baselineMs, 1000) },
    yAxis: { type: 'value', name: 'share of changes landed', nameLocation: 'middle', nameGap: 50, min: 0, max: 1 },
    series: [
      ...series.map((s) => ({ name: s.name, type: 'line', step: 'end', showSymbol: false, data: cdf(s.samples) })),
      {
        name: `seed baseline: ${baselineMs / 60_000}-min poll (uniform)`,
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: Array.from({ length: 41 }, (_, i) => minMs * (baselineMs / minMs) ** (i / 40)).map((ms) => [Math.round(ms), ms / baselineMs]),
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

export async function writeResults(dir: string, stamp: string, result: unknown, markdown: string, png: Buffer | undefined): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const files = [path.join(dir, `${stamp}.json`), path.join(dir, 'latest.json'), path.join(dir, 'latest.md')];
  await writeFile(files[0]!, json);
  await writeFile(files[1]!, json);
  await writeFile(files[2]!, markdown);
  if (png) {
    files.push(path.join(dir, 'latest.png'));
    await writeFile(files[3]!, png);
  }
  return files;
}
