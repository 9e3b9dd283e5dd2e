// The optimization report: per window the chosen parameters, in-sample vs out-of-sample objective, the
// probability of backtest overfitting and the deflated Sharpe ratio, as tables and small inline SVG charts.

import { esc } from '../report/index.ts';
import type { OptimizationSummary } from './optimizationSummary.ts';

/** A line chart of one or more series over window indices (null = gap), as inline SVG. */
function lineChart(title: string, series: readonly { name: string; color: string; values: readonly (number | null)[] }[]): string {
  const W = 720;
  const H = 180;
  const pad = 32;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  if (!all.length) return `<p>${esc(title)}: no values</p>`;
  let lo = Math.min(0, ...all);
  let hi = Math.max(0, ...all);
  if (hi === lo) hi = lo + 1;
  const x = (i: number) => pad + (n === 1 ? 0 : (i / (n - 1)) * (W - 2 * pad));
  const y = (v: number) => H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad);
  const lines = series
    .map((s) => {
      const pts = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
      const segs: string[] = [];
      let cur: string[] = [];
      for (const p of pts) {
        if (p === null) {
          if (cur.length) segs.push(cur.join(' '));
          cur = [];
        } else cur.push(p);
      }
      if (cur.length) segs.push(cur.join(' '));
      return segs.map((pp) => `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pp}"/>`).join('');
    })
    .join('');
  const legend = series.map((s, i) => `<text x="${pad + i * 160}" y="14" fill="${s.color}" font-size="12">${esc(s.name)}</text>`).join('');
  lo = Math.round(lo * 1000) / 1000;
  hi = Math.round(hi * 1000) / 1000;
  return (
    `<figure><figcaption>${esc(title)}</figcaption><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">` +
    `<line x1="${pad}" x2="${W - pad}" y1="${y(0)}" y2="${y(0)}" stroke="#999" stroke-dasharray="3 3"/>` +
    `<text x="2" y="${y(hi) + 4}" font-size="10">${hi}</text><text x="2" y="${y(lo) + 4}" font-size="10">${lo}</text>` +
    `${lines}${legend}</svg></figure>`
  );
}

const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/** The whole report page. */
export function renderOptimizeReport(
  s: OptimizationSummary,
  meta: {
    title: string;
    subtitle: string;
    windows: readonly { testFrom: string; testTo: string }[];
    /** The continuous out-of-sample account as an HTML section body (null: none). */
    accountHtml?: string | null;
  },
): string {
  const rows = s.windows
    .map((w) => {
      const p = w.best ? esc(JSON.stringify(w.best.params)) : 'none';
      return `<tr><td>${w.windowIndex}</td><td>${esc(meta.windows[w.windowIndex]?.testFrom ?? '')} .. ${esc(meta.windows[w.windowIndex]?.testTo ?? '')}</td><td>${w.trials.length}</td><td><code>${p}</code></td><td>${f(w.degradation.inSample)}</td><td>${f(w.degradation.outOfSample)}</td><td>${f(w.pbo?.pbo)}</td><td>${f(w.deflatedSharpe?.dsr)}</td><td>${f(w.outOfSample?.metrics?.netPnl, 2)}</td></tr>`;
    })
    .join('');
  const a = s.aggregate;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(meta.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:nth-child(4){text-align:left}figure{margin:12px 0}code{font-size:12px}</style></head><body>
<h1>${esc(meta.title)}</h1><p>${esc(meta.subtitle)}</p>
<h2>Out of sample</h2>
<p>${a.windows} windows, ${a.trials} trials (${a.completed} completed, ${a.failed} failed). Selected parameters run once on the next unseen window:
out-of-sample net P&amp;L ${f(a.outOfSampleNetPnl, 2)} USD; mean objective in sample ${f(a.meanInSample)} vs out of sample ${f(a.meanOutOfSample)}
(degradation ${f(a.meanDegradation)}); mean PBO ${f(a.meanPbo)}. The net P&amp;L above sums each window's test run from a fresh account.</p>
${meta.accountHtml ? `<h2>The continuous out-of-sample account</h2>\n${meta.accountHtml}` : ''}
${lineChart('Objective of the selected parameters: in sample (search window) vs out of sample (next window)', [
  { name: 'in sample', color: '#1f77b4', values: s.windows.map((w) => w.degradation.inSample) },
  { name: 'out of sample', color: '#d62728', values: s.windows.map((w) => w.degradation.outOfSample) },
])}
${lineChart('Probability of backtest overfitting (CSCV) per window; above 0.5 the search likely overfits', [
  { name: 'PBO', color: '#9467bd', values: s.windows.map((w) => w.pbo?.pbo ?? null) },
])}
${lineChart('Deflated Sharpe ratio of the selected parameters (probability the Sharpe beats what selection explains)', [
  { name: 'DSR', color: '#2ca02c', values: s.windows.map((w) => w.deflatedSharpe?.dsr ?? null) },
])}
<h2>Windows</h2>
<table><tr><th>window</th><th>test days</th><th>trials</th><th>chosen parameters</th><th>objective IS</th><th>objective OOS</th><th>PBO</th><th>DSR</th><th>OOS net P&amp;L</th></tr>${rows}</table>
<h2>How to read the overfitting figures</h2>
<p><b>PBO</b> (Bailey, Borwein, López de Prado, Zhu 2014): the trials' daily returns on the training days are cut into
${s.windows[0]?.pbo?.partitions ?? 'S'} blocks; for every way of taking half of them as "in sample", the best trial there is ranked
among all trials on the other half. PBO is the share of splits where that best trial ranks in the bottom half: near 0 the
search finds something that holds up, near or above 0.5 it picks noise. <b>DSR</b> (Bailey and López de Prado 2014) deflates
the selected trial's Sharpe ratio by the best Sharpe that the number of trials would produce by chance; below 0.95 the result
is not distinguishable from selection luck. Out-of-sample figures are from data the search never saw.</p>
</body></html>
`;
}
