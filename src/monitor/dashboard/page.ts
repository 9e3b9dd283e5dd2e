// The dashboard page: one self-contained HTML document (inline CSS and script, no external assets) that
// loads /api/state, then re-renders on every server-sent event from /events.

/** The page's HTML. Everything shown goes through textContent (journal reasons may hold any text). */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>txbot dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #d8dee9; }
  header { display: flex; gap: 16px; align-items: baseline; padding: 12px 20px; background: #1b2129; }
  h1 { font-size: 18px; margin: 0; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: #8a96a8; margin: 0 0 8px; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; padding: 12px 20px; }
  section { background: #1b2129; border-radius: 6px; padding: 12px; }
  .wide { grid-column: 1 / -1; }
  .big { font-size: 26px; font-weight: 600; }
  .pos { color: #7fd18b; } .neg { color: #f07178; }
  .state-ACTIVE { color: #7fd18b; } .state-REDUCING { color: #ffcb6b; } .state-HALTED { color: #f07178; }
  .bar { height: 10px; background: #2c3440; border-radius: 3px; overflow: hidden; margin: 2px 0 8px; }
  .bar > div { height: 100%; background: #82aaff; }
  .bar.loss > div { background: #f07178; }
  table { width: 100%; border-collapse: collapse; font-size: 12px; }
  td, th { padding: 3px 6px; border-bottom: 1px solid #2c3440; text-align: left; white-space: nowrap; }
  td.reason { white-space: normal; }
  .muted { color: #8a96a8; }
  .sev-critical { color: #f07178; } .sev-warn { color: #ffcb6b; }
  svg { width: 100%; height: 180px; }
  iframe { width: 100%; height: 70vh; border: 0; background: #fff; }
</style>
</head>
<body>
<header>
  <h1>txbot</h1>
  <span id="mode" class="muted">-</span>
  <span>state <b id="risk-state">-</b> <span id="risk-reason" class="muted"></span></span>
  <span class="muted">updated <span id="updated">-</span></span>
  <span id="connection" class="muted">connecting…</span>
</header>
<main>
  <section>
    <h2>Regime</h2>
    <div class="big" id="regime">-</div>
    <div class="muted">confidence <span id="confidence">-</span> · <span id="regime-symbol">-</span> close <span id="close">-</span></div>
    <table id="probs"></table>
  </section>
  <section>
    <h2>Today</h2>
    <div class="big" id="day-pnl">-</div>
    <div class="muted">of daily loss limit <span id="daily-limit">-</span></div>
    <div class="bar loss"><div id="daily-used" style="width:0"></div></div>
    <div class="muted">equity <span id="equity">-</span> · MLL floor <span id="mll-floor">-</span> · room <span id="mll-room">-</span></div>
    <div class="muted">drift ratio <span id="drift">-</span></div>
  </section>
  <section>
    <h2>Position</h2>
    <table id="positions"></table>
  </section>
  <section class="wide">
    <h2>Equity</h2>
    <svg id="equity-curve" viewBox="0 0 1000 180" preserveAspectRatio="none"></svg>
  </section>
  <section class="wide">
    <h2>Recent trades</h2>
    <table id="trades"></table>
  </section>
  <section>
    <h2>Recent decisions</h2>
    <table id="decisions"></table>
  </section>
  <section>
    <h2>Alerts</h2>
    <table id="alerts"></table>
  </section>
  <section class="wide" id="results" hidden>
    <h2>Results <span id="results-dir" class="muted"></span></h2>
    <table id="results-summary"></table>
    <iframe id="results-report" title="report"></iframe>
  </section>
</main>
<script>
(() => {
  const token = new URLSearchParams(location.search).get('token');
  const q = token ? '?token=' + encodeURIComponent(token) : '';
  const $ = (id) => document.getElementById(id);
  const set = (id, text) => { $(id).textContent = text; };
  const usd = (x) => (x > 0 ? '+' : '') + x.toFixed(2);
  const time = (ms) => new Date(ms).toISOString().slice(11, 19) + 'Z';
  const rows = (id, header, list) => {
    const t = $(id);
    t.replaceChildren();
    const head = t.insertRow();
    for (const h of header) { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); }
    for (const r of list) {
      const tr = t.insertRow();
      if (r.cls) tr.className = r.cls;
      r.cells.forEach((c, i) => { const td = tr.insertCell(); td.textContent = String(c); if (r.reasonCol === i) td.className = 'reason'; });
    }
  };
  function render(s) {
    set('mode', s.mode ?? 'no engine connected');
    set('updated', s.updatedTsMs == null ? '-' : time(s.updatedTsMs));
    const st = s.risk ? s.risk.state : s.riskState ? s.riskState.state : '-';
    set('risk-state', st);
    $('risk-state').className = 'state-' + st;
    set('risk-reason', s.riskState && s.riskState.reason ? s.riskState.reason : '');
    if (s.regime) {
      set('regime', s.regime.regime);
      set('confidence', (s.regime.confidence * 100).toFixed(1) + '%');
      set('regime-symbol', s.regime.symbol);
      set('close', String(s.regime.close));
      const t = $('probs');
      t.replaceChildren();
      s.regime.labels.forEach((label, i) => {
        const tr = t.insertRow();
        tr.insertCell().textContent = label;
        const p = s.regime.probs[i] ?? 0;
        const bar = document.createElement('div'); bar.className = 'bar';
        const fill = document.createElement('div'); fill.style.width = (p * 100).toFixed(1) + '%';
        bar.appendChild(fill);
        const c = tr.insertCell(); c.style.width = '60%'; c.appendChild(bar);
        tr.insertCell().textContent = (p * 100).toFixed(1) + '%';
      });
    }
    if (s.risk) {
      const r = s.risk;
      set('day-pnl', usd(r.dayPnlUsd) + ' USD');
      $('day-pnl').className = 'big ' + (r.dayPnlUsd >= 0 ? 'pos' : 'neg');
      set('daily-limit', r.dailyLossLimitUsd == null ? 'none' : r.dailyLossLimitUsd.toFixed(2) + ' USD');
      const used = r.dailyLossLimitUsd ? Math.min(1, Math.max(0, -r.dayPnlUsd) / r.dailyLossLimitUsd) : 0;
      $('daily-used').style.width = (used * 100).toFixed(1) + '%';
      set('equity', r.equityUsd.toFixed(2));
      set('mll-floor', r.mllFloorUsd.toFixed(2));
      set('mll-room', (r.equityUsd - r.mllFloorUsd).toFixed(2));
    }
    set('drift', s.driftRatio == null ? '-' : s.driftRatio.toFixed(3));
    rows('positions', ['symbol', 'qty', 'avg price'], s.positions.map((p) => ({ cells: [p.symbol, p.qty, p.avgPrice] })));
    rows('trades', ['exit', 'symbol', 'side', 'qty', 'entry px', 'exit px', 'P&L USD', 'regime', 'exit reason'],
      s.trades.map((t) => ({ cls: t.pnlUsd > 0 ? 'pos' : 'neg', reasonCol: 8, cells: [time(t.exitTsMs), t.symbol, t.side, t.qty, t.entryPrice, t.exitPrice, usd(t.pnlUsd), t.regime ?? '-', t.exitReason] })));
    rows('decisions', ['bar', 'regime', 'conf', 'decision'],
      s.decisions.map((d) => ({ reasonCol: 3, cells: [time(d.barTsMs), d.regime, (d.confidence * 100).toFixed(0) + '%', d.decisionCode + (d.decisionReason ? ' ' + d.decisionReason : '')] })));
    rows('alerts', ['time', 'alert', 'what'],
      s.alerts.map((a) => ({ cls: 'sev-' + a.severity, reasonCol: 2, cells: [time(a.tsMs), a.code, a.title] })));
    drawEquity(s.equity);
  }
  function drawEquity(points) {
    const svg = $('equity-curve');
    svg.replaceChildren();
    if (points.length < 2) return;
    const ys = points.map((p) => p.equityUsd);
    const lo = Math.min(...ys), hi = Math.max(...ys), span = hi - lo || 1;
    const d = points.map((p, i) => (i * 1000 / (points.length - 1)).toFixed(1) + ',' + (170 - (p.equityUsd - lo) / span * 160).toFixed(1)).join(' ');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', d); line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#82aaff'); line.setAttribute('stroke-width', '2');
    svg.appendChild(line);
  }
  async function loadResults() {
    const res = await fetch('/api/results' + q);
    if (!res.ok) return;
    const r = await res.json();
    if (!r) return;
    $('results').hidden = false;
    set('results-dir', r.dir);
    const flat = Object.entries(r.summary ?? {}).filter(([, v]) => v === null || typeof v !== 'object');
    rows('results-summary', ['key', 'value'], flat.map(([k, v]) => ({ cells: [k, v === null ? '-' : v] })));
    if (r.hasReport) $('results-report').src = '/results/report.html' + q;
  }
  fetch('/api/state' + q).then((r) => r.json()).then(render).catch(() => set('connection', 'state unavailable'));
  loadResults().catch(() => undefined);
  const es = new EventSource('/events' + q);
  es.onopen = () => set('connection', 'live');
  es.onerror = () => set('connection', 'reconnecting…');
  es.onmessage = (m) => render(JSON.parse(m.data));
})();
</script>
</body>
</html>
`;
}
