import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { createEffect, onCleanup, onMount } from "solid-js";

// Only the parts we draw: keeps the analysis chunk (the only one with ECharts) small.
echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * Tooltips are drawn on the canvas (renderMode richText): ECharts' HTML tooltip writes
 * `style="…"` attributes through innerHTML, which the app's CSP (style-src 'self') refuses.
 */
function withCanvasTooltip(option: ChartOption): ChartOption {
  const tooltip = option.tooltip;
  if (!tooltip || typeof tooltip !== "object" || Array.isArray(tooltip)) return option;
  return { ...option, tooltip: { ...tooltip, renderMode: "richText" } };
}

export function Chart(props: { option: ChartOption; height?: number; label: string }) {
  let el: HTMLDivElement | undefined;
  let chart: echarts.ECharts | undefined;
  onMount(() => {
    if (!el) return;
    chart = echarts.init(el, undefined, { renderer: "canvas" });
    const ro = new ResizeObserver(() => chart?.resize());
    ro.observe(el);
    onCleanup(() => {
      ro.disconnect();
      chart?.dispose();
    });
  });
  createEffect(() => chart?.setOption(withCanvasTooltip(props.option), true));
  return <div ref={el} class="chart" style={{ height: `${props.height ?? 360}px` }} role="img" aria-label={props.label} />;
}
