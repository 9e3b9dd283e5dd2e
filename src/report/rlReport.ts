// The HTML report of `txbot rl walkforward`: the out-of-sample comparison table, the deflated Sharpe per fold and the learning
// curves (mean episode reward per PPO update, one line per seed) as inline SVG; self-contained, deterministic.

import { esc } from './reportHtml.ts';

export interface RlReportInput {
  readonly title: string;
  readonly subtitle: string;
  /** The comparison table as printed (fixed-width text). */
  readonly tableText: string;
  readonly dsrLines: readonly string[];
  readonly folds: readonly { readonly index: number; readonly label: string }[];
  readonly learning: readonly { fold: number; seed: number; timesteps: number; meanEpisodeReturn: number }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** One SVG chart of the curves of a fold (NaN points, updates where no episode ended, are skipped). */
function curveSvg(points: RlReportInput['learning']): string {
  const W = 640;
  const H = 220;
  const pad = 40;
  const ok = points.filter((p) => Number.isFinite(p.meanEpisodeReturn));
  if (ok.length === 0) return '<p>no episode ended during training</p>';
  const xs = ok.map((p) => p.timesteps);
  const ys = ok.map((p) => p.meanEpisodeReturn);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0)];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => pad + ((x - x0) / Math.max(1, x1 - x0)) * (W - 2 * pad);
  const sy = (y: number) => H - pad + ((y - y0) / (y1 - y0)) * (2 * pad - H);
  const seeds = [...new Set(ok.map((p) => p.seed))].sort((a, b) => a - b);
  const lines = seeds.map((s, i) => {
    const pts = ok.filter((p) => p.seed === s).map((p) => `${sx(p.timesteps).toFixed(1)},${sy(p.meanEpisodeReturn).toFixed(1)}`);
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${pts.join(' ')}"><title>seed ${s}</title></polyline>`;
  });
  const legend = seeds.map((s, i) => `<tspan fill="${COLORS[i % COLORS.length]}">seed ${s} </tspan>`).join('');
  return (
    `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">` +
    `<line x1="${pad}" y1="${sy(0).toFixed(1)}" x2="${W - pad}" y2="${sy(0).toFixed(1)}" stroke="#999" stroke-dasharray="3,3"/>` +
    `<text x="${pad}" y="14" font-size="11">mean episode reward (units: daily loss limit) vs steps; ${legend}</text>` +
    `<text x="${pad}" y="${H - 8}" font-size="10">${x0}</text><text x="${W - pad - 40}" y="${H - 8}" font-size="10">${x1}</text>` +
    `<text x="2" y="${sy(y1).toFixed(1)}" font-size="10">${y1.toFixed(3)}</text><text x="2" y="${sy(y0).toFixed(1)}" font-size="10">${y0.toFixed(3)}</text>` +
    lines.join('') +
    '</svg>'
  );
}

export function renderRlReportHtml(r: RlReportInput): string {
  const folds = r.folds
    .map((f) => `<h3>Fold ${f.index + 1}: ${esc(f.label)}</h3>${curveSvg(r.learning.filter((p) => p.fold === f.index))}`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>
<h1>${esc(r.title)}</h1><p>${esc(r.subtitle)}</p>
<h2>Out-of-sample comparison (test blocks)</h2><pre>${esc(r.tableText)}</pre>
<h2>Deflated Sharpe ratio of the validation choice</h2><ul>${r.dsrLines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<p>Read the test blocks only: training rewards and validation results are in-sample for the choice they informed. A policy that
does not beat always-flat and the random policy with the same trade count across seeds has learnt nothing usable.</p>
<h2>Learning curves</h2>${folds}
</body></html>
`;
}
