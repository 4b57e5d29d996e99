import uPlot from 'uplot';
import type { Marker, MarkerKind } from './model';
import { fmtTime } from './format';

/** One line of a chart. Values align with the chart's x (seconds); null is a gap. */
export interface SeriesSpec {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly fmt: (v: number) => string;
  readonly scale?: 'y' | 'y2';
  readonly dash?: readonly number[];
  readonly width?: number;
  readonly fill?: string;
  /** Sparse series (funding at settlements): connect across the empty steps and mark each point. */
  readonly sparse?: boolean;
}

/** A horizontal limit drawn across the plot, labelled at its right end. */
export interface LineSpec {
  readonly value: number;
  readonly label: string;
  readonly color: string;
  readonly scale?: 'y' | 'y2';
  readonly dash?: readonly number[];
}

export interface BandSpec {
  readonly from: number;
  readonly to: number;
  readonly color: string;
  readonly scale?: 'y' | 'y2';
}

export interface ChartSpec {
  readonly id: string;
  readonly height: number;
  readonly xSec: readonly number[];
  readonly series: readonly SeriesSpec[];
  readonly axisFmt: (v: number, step: number) => string;
  readonly y2AxisFmt?: (v: number, step: number) => string;
  readonly lines?: readonly LineSpec[];
  readonly bands?: readonly BandSpec[];
  /** Keep 0 in the visible range (bars of attribution, net delta around zero). */
  readonly includeZero?: boolean;
}

export interface Palette {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly card: string;
  readonly markers: Readonly<Record<MarkerKind, string>>;
}

/** Charts that share one cursor and one x range: a zoom on any of them zooms all; a double click resets all. */
export class ChartGroup {
  readonly charts: uPlot[] = [];
  private syncing = false;
  readonly syncKey: string;
  private hidden = new Set<MarkerKind>();
  private readonly sortedMarkers: readonly Marker[];

  constructor(
    readonly markers: readonly Marker[],
    readonly palette: Palette,
    key: string,
  ) {
    this.syncKey = key;
    this.sortedMarkers = [...markers].sort((a, b) => a.tMs - b.tMs);
  }

  setHidden(hidden: ReadonlySet<MarkerKind>): void {
    this.hidden = new Set(hidden);
    for (const u of this.charts) u.redraw(false, false);
  }

  resetZoom(): void {
    const u = this.charts[0];
    if (!u) return;
    const x = u.data[0];
    if (x.length > 0) u.setScale('x', { min: x[0] as number, max: x[x.length - 1] as number });
  }

  /** Shares an x range chosen on one chart with every other chart of the group. */
  onScale(src: uPlot): void {
    if (this.syncing) return;
    const min = src.scales.x?.min;
    const max = src.scales.x?.max;
    if (min === undefined || max === undefined || min === null || max === null) return;
    this.syncing = true;
    try {
      for (const u of this.charts) if (u !== src) u.setScale('x', { min, max });
    } finally {
      this.syncing = false;
    }
  }

  /** Draws the markers on a chart: a tick per event along the top, a full dashed line for the rare severe ones. */
  drawMarkers(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const min = u.scales.x?.min ?? -Infinity;
    const max = u.scales.x?.max ?? Infinity;
    const dpr = uPlot.pxRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const m of this.sortedMarkers) {
      if (this.hidden.has(m.kind)) continue;
      const t = m.tMs / 1000;
      if (t < min || t > max) continue;
      const x = Math.round(u.valToPos(t, 'x', true)) + 0.5;
      ctx.strokeStyle = this.palette.markers[m.kind];
      const full = m.kind !== 'rebalance' && m.kind !== 'breach';
      ctx.lineWidth = (full ? 1.25 : 1) * dpr;
      ctx.setLineDash(full ? [4 * dpr, 3 * dpr] : []);
      ctx.globalAlpha = full ? 0.9 : 0.7;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, full ? top + height : top + (m.kind === 'breach' ? 10 : 6) * dpr);
      ctx.stroke();
    }
    ctx.restore();
  }

  /** The marker nearest to a time within `pxTol` pixels on this chart, for the cursor readout. */
  nearestMarker(u: uPlot, left: number, pxTol = 4): Marker | undefined {
    const list = this.sortedMarkers;
    if (list.length === 0) return undefined;
    const t = u.posToVal(left, 'x') * 1000;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Marker).tMs < t) lo = mid + 1;
      else hi = mid;
    }
    let best: Marker | undefined;
    let bestPx = pxTol + 1;
    for (let k = Math.max(0, lo - 2); k <= Math.min(list.length - 1, lo + 2); k++) {
      const m = list[k] as Marker;
      if (this.hidden.has(m.kind)) continue;
      const px = Math.abs(u.valToPos(m.tMs / 1000, 'x') - left);
      if (px < bestPx) {
        best = m;
        bestPx = px;
      }
    }
    return best;
  }
}

function rangeWith(extra: readonly number[], includeZero: boolean): uPlot.Range.Function {
  return (_u, min, max) => {
    let lo = min;
    let hi = max;
    for (const v of extra) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (includeZero) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
    if (lo === hi) {
      const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.01 : 1;
      return [lo - pad, hi + pad];
    }
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  };
}

/** A uPlot chart in `el` for the spec, joined to the group's cursor, zoom and markers. */
export function createChart(el: HTMLElement, spec: ChartSpec, group: ChartGroup, width: number): uPlot {
  const pal = group.palette;
  const lines = spec.lines ?? [];
  const bands = spec.bands ?? [];
  const hasY2 = spec.series.some((s) => s.scale === 'y2');
  const extra = (scale: 'y' | 'y2'): number[] => [
    ...lines.filter((l) => (l.scale ?? 'y') === scale).map((l) => l.value),
    ...bands.filter((b) => (b.scale ?? 'y') === scale).flatMap((b) => [b.from, b.to]),
  ];
  const axisBase = { stroke: pal.muted, grid: { stroke: pal.grid, width: 1 }, ticks: { stroke: pal.grid, width: 1 }, font: '11px system-ui, sans-serif' };
  const series: uPlot.Series[] = [
    { label: 'Time', value: (_u, v) => (v === null ? '–' : fmtTime(v * 1000)) },
    ...spec.series.map(
      (s): uPlot.Series => ({
        label: s.label,
        scale: s.scale ?? 'y',
        stroke: s.color,
        width: s.width ?? 1.5,
        ...(s.dash ? { dash: [...s.dash] } : {}),
        ...(s.fill ? { fill: s.fill } : {}),
        spanGaps: s.sparse === true,
        // Settlement dots only while they stay apart (zoomed in); a full history of them is a smear.
        points: s.sparse ? { show: (u, _si, i0, i1) => i1 - i0 < u.bbox.width / uPlot.pxRatio / 4, size: 4, width: 1 } : { show: false },
        value: (_u, v) => (v === null || v === undefined ? '–' : s.fmt(v)),
      }),
    ),
  ];
  const axes: uPlot.Axis[] = [
    { ...axisBase, space: 70 },
    { ...axisBase, scale: 'y', size: 72, values: (_u, splits, _i, _space, incr) => splits.map((v) => spec.axisFmt(v, incr)) },
  ];
  if (hasY2) {
    const fmt = spec.y2AxisFmt ?? spec.axisFmt;
    axes.push({ ...axisBase, scale: 'y2', side: 1, size: 80, grid: { show: false }, values: (_u, splits, _i, _space, incr) => splits.map((v) => fmt(v, incr)) });
  }
  const scales: uPlot.Scales = {
    x: { time: true },
    y: { range: rangeWith(extra('y'), spec.includeZero === true) },
  };
  if (hasY2) scales.y2 = { range: rangeWith(extra('y2'), false) };

  const readout = document.createElement('div');
  readout.className = 'bd-marker-readout';
  readout.hidden = true;

  const opts: uPlot.Options = {
    width,
    height: spec.height,
    series,
    axes,
    scales,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    cursor: { sync: { key: group.syncKey, setSeries: false }, drag: { x: true, y: false, setScale: true }, focus: { prox: 16 } },
    legend: { live: true },
    hooks: {
      drawClear: [
        (u) => {
          const ctx = u.ctx;
          const { left, width: w } = u.bbox;
          for (const b of bands) {
            const y0 = u.valToPos(b.from, b.scale ?? 'y', true);
            const y1 = u.valToPos(b.to, b.scale ?? 'y', true);
            ctx.fillStyle = b.color;
            ctx.fillRect(left, Math.min(y0, y1), w, Math.abs(y1 - y0));
          }
        },
      ],
      draw: [
        (u) => {
          const ctx = u.ctx;
          const { left, top, width: w, height: h } = u.bbox;
          const dpr = uPlot.pxRatio;
          ctx.save();
          ctx.font = `${11 * dpr}px system-ui, sans-serif`;
          ctx.textBaseline = 'bottom';
          // Limits often sit close together (warn, emergency, liquidation): a label that would overlap the one
          // placed before it moves along the line to the next free slot, from the right end leftwards.
          const placed: { y: number; slot: number }[] = [];
          const labelGap = 12 * dpr;
          const slotWidth = 170 * dpr;
          const ordered = lines
            .map((l) => ({ l, y: Math.round(u.valToPos(l.value, l.scale ?? 'y', true)) + 0.5 }))
            .filter((p) => p.y >= top - 1 && p.y <= top + h + 1)
            .sort((a, b) => a.y - b.y);
          for (const { l, y } of ordered) {
            ctx.strokeStyle = l.color;
            ctx.fillStyle = l.color;
            ctx.lineWidth = 1 * dpr;
            ctx.setLineDash((l.dash ?? [6, 4]).map((d) => d * dpr));
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + w, y);
            ctx.stroke();
            if (l.label === '') continue;
            let slot = 0;
            while (placed.some((p) => p.slot === slot && Math.abs(p.y - y) < labelGap)) slot++;
            placed.push({ y, slot });
            ctx.textAlign = 'right';
            ctx.fillText(l.label, Math.max(left + slotWidth, left + w - 4 * dpr - slot * slotWidth), y - 2 * dpr);
          }
          ctx.restore();
          group.drawMarkers(u);
        },
      ],
      setScale: [
        (u, key) => {
          if (key === 'x') group.onScale(u);
        },
      ],
      setCursor: [
        (u) => {
          const left = u.cursor.left ?? -1;
          const m = left >= 0 ? group.nearestMarker(u, left) : undefined;
          if (!m) {
            readout.hidden = true;
            return;
          }
          readout.hidden = false;
          readout.textContent = `${fmtTime(m.tMs)} · ${m.text}`;
          readout.style.left = `${Math.min(left + 8, Math.max(0, u.bbox.width / uPlot.pxRatio - 260))}px`;
        },
      ],
    },
  };
  const data: uPlot.AlignedData = [spec.xSec as number[], ...spec.series.map((s) => s.values as (number | null)[])];
  const u = new uPlot(opts, data, el);
  u.over.appendChild(readout);
  group.charts.push(u);
  return u;
}

