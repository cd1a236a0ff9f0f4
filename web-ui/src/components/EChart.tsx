import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, FunnelChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// Only the chart types and components the pages use (tree-shaken); SVG keeps text crisp and selectable.
echarts.use([BarChart, CustomChart, FunnelChart, LineChart, ScatterChart, DatasetComponent, GridComponent,
  LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2'];
export const GRADE_COLORS: Record<string, string> = { A: '#15803d', B: '#65a30d', C: '#d97706', D: '#b91c1c' };

/** An ECharts chart; label describes it for screen readers (the chart itself is an image to them). */
export function EChart({ option, label, height = 260 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>();
  useEffect(() => {
    chart.current = echarts.init(el.current!, undefined, { renderer: 'svg' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  // A new height (a chart whose rows change with its data) needs a resize: ECharts only measures at init.
  useEffect(() => chart.current?.resize(), [height]);
  useEffect(() => {
    // An explicit font: ECharts measures text (legends, labels) for layout, and 'inherit' measures wrong.
    chart.current?.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: FONT }, ...option }, true);
  }, [option]);
  return <div ref={el} className="chart" role="img" aria-label={label} style={{ height }} />;
}
