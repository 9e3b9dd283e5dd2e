// Renders the self-contained HTML report (inline lightweight-charts, no network): equity, drawdown,
// price with regime background and trade markers, per-regime and monthly tables, costs, Combine odds.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegimeLabel } from '../domain/index.ts';
import type { CombineResult } from './combine.ts';
import { REGIME_COLORS, type PricePoint } from './reportData.ts';

export interface RegimeRow {
  label: RegimeLabel;
  barShare: number;
  trades: number;
  netPnl: number;
  winRate: number | null;
}

export interface ReportInput {
  title: string;
  subtitle: string;
  /** Shown in red at the top (e.g. in-sample training). */
  warnings: string[];
  summaryRows: [string, string][];
  regimeRows: RegimeRow[];
  monthly: { month: string; netPnlUsd: number }[];
  assumptions: string[];
  combine: CombineResult | null;
  /** Further sections (already escaped HTML), e.g. the walk-forward windows. */
  extraSections?: { title: string; html: string }[];
  labels: readonly RegimeLabel[];
  price: PricePoint[];
  equity: { time: number; equity: number; drawdown: number }[];
  markers: { time: number; position: string; color: string; shape: string; text: string }[];
}

let chartLib: string | null = null;
function chartLibrary(): string {
  chartLib ??= readFileSync(
    join(dirname(fileURLToPath(import.meta.resolve('lightweight-charts'))), 'lightweight-charts.standalone.production.js'),
    'utf8',
  );
  return chartLib;
}

/** Escapes text for HTML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const money = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function monthlyTable(monthly: ReportInput['monthly']): string {
  const years = [...new Set(monthly.map((m) => m.month.slice(0, 4)))];
  const cell = new Map(monthly.map((m) => [m.month, m.netPnlUsd]));
  const head = `<tr><th>Year</th>${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m) => `<th>${m}</th>`).join('')}<th>Total</th></tr>`;
  const rows = years.map((y) => {
    let total = 0;
    const tds = Array.from({ length: 12 }, (_, i) => {
      const v = cell.get(`${y}-${String(i + 1).padStart(2, '0')}`);
      if (v === undefined) return '<td></td>';
      total += v;
      return `<td class="${v >= 0 ? 'pos' : 'neg'}">${Math.round(v).toLocaleString('en-US')}</td>`;
    }).join('');
    return `<tr><th>${y}</th>${tds}<td class="${total >= 0 ? 'pos' : 'neg'}"><b>${Math.round(total).toLocaleString('en-US')}</b></td></tr>`;
  });
  return `<table class="grid">${head}${rows.join('')}</table>`;
}

function combineSection(c: CombineResult | null): string {
  if (!c) return '<p>Not computed (no trading days).</p>';
  return `<table><tr><th>Pass probability</th><td><b>${pct(c.passProbability)}</b></td></tr>
<tr><th>Breach probability (MLL)</th><td>${pct(c.breachProbability)}</td></tr>
<tr><th>Stall probability (too little room for one contract)</th><td>${pct(c.stallProbability)}</td></tr>
<tr><th>Unresolved within the horizon</th><td>${pct(c.unresolvedProbability)}</td></tr>
<tr><th>Median days to pass</th><td>${c.medianDaysToPass ?? 'n/a'}</td></tr>
<tr><th>Simulations / seed / tradable days sampled / stalled days left out</th><td>${c.simulations} / ${c.seed} / ${c.sampleDays} / ${c.excludedStalledDays}</td></tr></table>
<p class="note">Method: ${esc(c.method)}.</p>`;
}

/** Builds the whole HTML document. Same input gives the same bytes. */
export function renderReportHtml(r: ReportInput): string {
  const data = JSON.stringify({
    price: r.price,
    equity: r.equity,
    markers: r.markers,
    labels: r.labels,
    colors: r.labels.map((l) => REGIME_COLORS[l]),
  }).replace(/</g, '\\u003c');
  const legend = r.labels.map((l) => `<span class="chip" style="background:${REGIME_COLORS[l]}">${l}</span>`).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin-bottom:4px}h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666}.warn{color:#b71c1c;font-weight:600;border:2px solid #b71c1c;padding:8px 12px;margin:12px 0;background:#ffebee}
table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}th{text-align:left;color:#444}
.grid td,.grid th{font-size:13px}.pos{color:#1b5e20}.neg{color:#b71c1c}.chart{height:320px;margin:8px 0}.tall{height:420px}
.chip{display:inline-block;padding:2px 8px;border-radius:4px;font-size:12px;margin:2px}.note{color:#666;font-size:13px}
ul{line-height:1.5}
</style></head><body>
<h1>${esc(r.title)}</h1><div class="sub">${esc(r.subtitle)}</div>
${r.warnings.map((w) => `<div class="warn">${esc(w)}</div>`).join('\n')}
<h2>Summary</h2><table>${r.summaryRows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Equity</h2><div id="equity" class="chart"></div>
<h2>Drawdown</h2><div id="drawdown" class="chart"></div>
<h2>Price, regimes and trades</h2><div>${legend}</div><div id="price" class="chart tall"></div>
<p class="note">Times are US Eastern. Long series are aggregated into candles of several bars, each coloured by its most frequent regime; markers show the most recent trades.</p>
<h2>By regime</h2><table><tr><th>Regime</th><th>Share of bars</th><th>Trades</th><th>Net P&amp;L</th><th>Win rate</th></tr>
${r.regimeRows.map((x) => `<tr><th><span class="chip" style="background:${REGIME_COLORS[x.label]}">${x.label}</span></th><td>${pct(x.barShare)}</td><td>${x.trades}</td><td class="${x.netPnl >= 0 ? 'pos' : 'neg'}">${money(x.netPnl)}</td><td>${pct(x.winRate)}</td></tr>`).join('\n')}</table>
<h2>Monthly net P&amp;L (USD)</h2>${monthlyTable(r.monthly)}
<h2>Topstep Combine pass probability</h2>${combineSection(r.combine)}
${(r.extraSections ?? []).map((s) => `<h2>${esc(s.title)}</h2>${s.html}`).join('\n')}
<h2>Fill assumptions and costs</h2><ul>${r.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
<p class="note">Charts: TradingView Lightweight Charts&trade; (Apache-2.0), embedded.</p>
<script>${chartLibrary()}</script>
<script id="report-data" type="application/json">${data}</script>
<script>
(function(){
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var LC = LightweightCharts;
  function mk(id){ return LC.createChart(document.getElementById(id), { autoSize: true, layout: { background: { color: '#fff' }, textColor: '#333' }, timeScale: { timeVisible: true, minBarSpacing: 0.01 }, rightPriceScale: { borderVisible: false } }); }
  var eq = mk('equity'); eq.addSeries(LC.LineSeries, { color: '#1565c0', lineWidth: 2 }).setData(D.equity.map(function(p){ return { time: p.time, value: p.equity }; })); eq.timeScale().fitContent();
  var dd = mk('drawdown'); dd.addSeries(LC.AreaSeries, { lineColor: '#c62828', topColor: 'rgba(198,40,40,0.05)', bottomColor: 'rgba(198,40,40,0.4)', invertFilledArea: true }).setData(D.equity.map(function(p){ return { time: p.time, value: p.drawdown }; })); dd.timeScale().fitContent();
  var pc = mk('price');
  var bg = pc.addSeries(LC.HistogramSeries, { priceScaleId: 'regime', priceLineVisible: false, lastValueVisible: false });
  pc.priceScale('regime').applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
  bg.setData(D.price.map(function(p){ return { time: p.time, value: 1, color: p.regime < 0 ? 'rgba(0,0,0,0)' : D.colors[p.regime] }; }));
  var candles = pc.addSeries(LC.CandlestickSeries, {});
  candles.setData(D.price.map(function(p){ return { time: p.time, open: p.open, high: p.high, low: p.low, close: p.close }; }));
  if (LC.createSeriesMarkers) LC.createSeriesMarkers(candles, D.markers);
  pc.timeScale().fitContent();
})();
</script>
</body></html>
`;
}
