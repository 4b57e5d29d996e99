/**
 * Inline CSS and browser script of the HTML report's page and event table (kept as strings so `tsc` ships them in
 * dist/ without a copy step); the dashboard above the table is the web app's chart code (web/dist/report-client.js,
 * which sets `data-charts="N"`). The script is plain ES2017, reads the events JSON block written by html.ts and
 * drives the paginated event table. It writes event data only through `textContent` / `Option` text, never as
 * markup. Runs last: on success it sets `<body data-render-status="ok">`; any error sets "error" and shows it.
 */

export const CLIENT_CSS = String.raw`
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f6f7f9; --card:#fff; --pos:#15803d; --neg:#b91c1c; --warn:#b45309; --accent:#2563eb; --hover:#f9fafb; --tag-bg:#fef3c7; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --fg:#e5e7eb; --muted:#9ca3af; --line:#2d3340; --bg:#0f1218; --card:#171b23; --pos:#4ade80; --neg:#f87171; --warn:#fbbf24; --accent:#60a5fa; --hover:#1f2430; --tag-bg:#3a2e0c; } }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size:14px; color:var(--fg); background:var(--bg); line-height:1.4; }
main, .page-header, .page-footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
.synthetic-banner { background:#b45309; color:#fff; font-weight:700; text-align:center; padding:10px 16px; letter-spacing:.04em; font-size:15px; position:sticky; top:0; z-index:10; }
.page-header h1 { font-size:22px; margin:22px 0 8px; font-weight:650; }
.meta { display:flex; flex-wrap:wrap; gap:6px 28px; margin:0 0 18px; }
.meta div { display:flex; gap:6px; }
.meta dt { color:var(--muted); }
.meta dd { margin:0; font-weight:600; }
.tag { display:inline-block; padding:0 6px; border-radius:4px; font-size:12px; font-weight:700; }
.tag-warn { background:var(--tag-bg); color:var(--warn); }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px 16px; margin:0 0 16px; }
.card h2 { font-size:16px; margin:0 0 2px; font-weight:650; }
.card .note { color:var(--muted); margin:0 0 10px; font-size:12.5px; }
.metrics { display:grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap:10px; margin:0 0 16px; }
.metric { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.metric-label { color:var(--muted); font-size:12px; }
.metric-value { font-size:20px; font-weight:650; font-variant-numeric: tabular-nums; margin-top:2px; }
.metric-sub { color:var(--muted); font-size:11.5px; }
.tone-good .metric-value { color:var(--pos); }
.tone-bad .metric-value { color:var(--neg); }
.tone-warn .metric-value { color:var(--warn); }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
thead th { font-size:12px; color:var(--muted); font-weight:600; }
.num { text-align:right; font-variant-numeric: tabular-nums; white-space:nowrap; }
.pos { color:var(--pos); } .neg { color:var(--neg); }
.attribution th[scope=row] { font-weight:500; white-space:nowrap; width:1%; }
.attribution td.bars { width:55%; padding:6px 8px; }
.attribution .bars-head { text-align:center; }
.half { display:inline-flex; width:50%; height:14px; vertical-align:middle; }
.half-neg { justify-content:flex-end; border-right:1px solid var(--muted); }
.bar { display:block; height:100%; border-radius:2px; }
.bar-pos { background:#22c55e; } .bar-neg { background:#ef4444; }
.attribution tfoot th, .attribution tfoot td { font-weight:650; border-bottom:none; }
.reconciliation { margin:10px 0 0; }
.ev-controls { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; margin:8px 0 10px; }
.ev-controls label { display:flex; gap:6px; align-items:center; color:var(--muted); }
.ev-controls .grow { flex:1 1 220px; }
.ev-controls .grow input { flex:1; }
select, input, button { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:5px; background:var(--card); color:var(--fg); }
button { cursor:pointer; } button:disabled { opacity:.45; cursor:default; }
.pager { white-space:nowrap; }
.table-wrap { overflow-x:auto; }
.events { font-size:12.5px; }
.events td { font-variant-numeric: tabular-nums; }
.events td.details { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:11.5px; max-width:560px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; color:var(--fg); }
.events tr.expanded td.details { white-space:pre-wrap; word-break:break-all; }
.events tbody tr { cursor:pointer; }
.events tbody tr:hover { background:var(--hover); }
.status-failed, .status-error, .status-rejected, .status-rolled_back { color:var(--neg); font-weight:600; }
.count { color:var(--muted); font-weight:400; font-size:13px; }
.js-errors { max-width:1240px; margin:0 auto 16px; background:#fee2e2; color:var(--neg); border:1px solid #fecaca; padding:10px 14px; border-radius:8px; white-space:pre-wrap; }
.page-footer { color:var(--muted); font-size:12px; padding-bottom:30px; }
.synthetic-banner ~ main #dashboard { --bd-sticky-top: 42px; }
@media print { .synthetic-banner { position:static; } .ev-controls { display:none; } }
`;

export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var body = document.body;
  var errBox = document.getElementById('js-errors');
  function showError(msg) {
    body.setAttribute('data-render-status', 'error');
    if (errBox) { errBox.hidden = false; errBox.textContent += (errBox.textContent ? '\n' : '') + 'Report script error: ' + msg; }
  }
  window.addEventListener('error', function (e) { showError(e && e.message ? e.message : String(e)); });

  var EV;

  // ----- events table -----
  var PAGE = 100;
  var page = 0;
  var filtered = null;
  var haystack = null;
  var elType, elVenue, elStatus, elSearch, elBody, elPage, elPrev, elNext, elCount;

  function isoTime(ms) {
    if (!isFinite(ms)) return '';
    return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  }
  function dictVal(name, i) { return i >= 0 ? EV.dict[name][i] : ''; }
  function fillSelect(sel, values) {
    var order = values.map(function (v, i) { return i; });
    order.sort(function (a, b) { return values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0; });
    order.forEach(function (i) { sel.appendChild(new Option(values[i], String(i))); });
  }
  function buildHaystack() {
    var rows = EV.rows, n = rows.length, out = new Array(n);
    for (var i = 0; i < n; i++) {
      var r = rows[i];
      out[i] = (r[0] + ' ' + isoTime(r[1]) + ' ' + dictVal('type', r[2]) + ' ' + dictVal('venue', r[3]) + ' ' +
        dictVal('token', r[4]) + ' ' + dictVal('status', r[5]) + ' ' + r[6]).toLowerCase();
    }
    return out;
  }
  function applyFilter() {
    var t = elType.value === '' ? -2 : +elType.value;
    var v = elVenue.value === '' ? -2 : +elVenue.value;
    var s = elStatus.value === '' ? -2 : +elStatus.value;
    var q = elSearch.value.trim().toLowerCase();
    if (q && !haystack) haystack = buildHaystack();
    var rows = EV.rows, n = rows.length;
    if (t === -2 && v === -2 && s === -2 && !q) { filtered = null; }
    else {
      var out = [];
      for (var i = 0; i < n; i++) {
        var r = rows[i];
        if (t !== -2 && r[2] !== t) continue;
        if (v !== -2 && r[3] !== v) continue;
        if (s !== -2 && r[5] !== s) continue;
        if (q && haystack[i].indexOf(q) < 0) continue;
        out.push(i);
      }
      filtered = out;
    }
    page = 0;
    renderPage();
  }
  function td(tr, text, cls) {
    var c = document.createElement('td');
    c.textContent = text;
    if (cls) c.className = cls;
    tr.appendChild(c);
    return c;
  }
  function renderPage() {
    var total = EV.rows.length;
    var count = filtered ? filtered.length : total;
    var pages = Math.max(1, Math.ceil(count / PAGE));
    if (page >= pages) page = pages - 1;
    var from = page * PAGE, to = Math.min(count, from + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var r = EV.rows[filtered ? filtered[k] : k];
      var tr = document.createElement('tr');
      td(tr, String(r[0]), 'num');
      td(tr, isoTime(r[1]));
      td(tr, dictVal('type', r[2]));
      td(tr, dictVal('venue', r[3]));
      td(tr, dictVal('token', r[4]));
      var st = dictVal('status', r[5]);
      td(tr, st, 'status-' + st.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
      var d = td(tr, r[6], 'details');
      d.title = r[6].length > 300 ? r[6].slice(0, 300) + '…' : r[6];
      frag.appendChild(tr);
    }
    elBody.textContent = '';
    elBody.appendChild(frag);
    elPage.textContent = count === 0 ? 'no events' : (from + 1).toLocaleString('en-US') + '–' + to.toLocaleString('en-US') +
      ' of ' + count.toLocaleString('en-US') + ' · page ' + (page + 1) + '/' + pages;
    elCount.textContent = filtered ? count.toLocaleString('en-US') + ' of ' + total.toLocaleString('en-US') : total.toLocaleString('en-US');
    elPrev.disabled = page === 0;
    elNext.disabled = page >= pages - 1;
  }
  function initEvents() {
    elType = document.getElementById('ev-type'); elVenue = document.getElementById('ev-venue');
    elStatus = document.getElementById('ev-status'); elSearch = document.getElementById('ev-search');
    elBody = document.getElementById('ev-body'); elPage = document.getElementById('ev-page');
    elPrev = document.getElementById('ev-prev'); elNext = document.getElementById('ev-next');
    elCount = document.getElementById('ev-count');
    fillSelect(elType, EV.dict.type);
    fillSelect(elVenue, EV.dict.venue);
    fillSelect(elStatus, EV.dict.status);
    elType.addEventListener('change', applyFilter);
    elVenue.addEventListener('change', applyFilter);
    elStatus.addEventListener('change', applyFilter);
    var searchTimer = 0;
    elSearch.addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(applyFilter, 180); });
    elPrev.addEventListener('click', function () { if (page > 0) { page--; renderPage(); } });
    elNext.addEventListener('click', function () { page++; renderPage(); });
    elBody.addEventListener('click', function (e) {
      var tr = e.target && e.target.closest ? e.target.closest('tr') : null;
      if (tr) tr.classList.toggle('expanded');
    });
    renderPage();
  }

  try {
    EV = JSON.parse(document.getElementById('basis-events').textContent);
    initEvents();
    if (body.getAttribute('data-render-status') !== 'error') body.setAttribute('data-render-status', 'ok');
  } catch (e) {
    showError(e && e.stack ? e.stack : String(e));
  }
})();
`;
