// Draws the figures of a tcprec report from the JSON embedded in the page. Everything that comes
// from the trace (host and process names above all) is inserted as text nodes or attribute
// values, never parsed as markup: a trace is not trusted input.
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var started = performance.now();
  var state = window.tcprecReport = { rendered: false, failed: [], figures: {} };
  var data = JSON.parse(document.getElementById('tcprec-data').textContent);
  var root = document.getElementById('report');
  var tooltip = document.getElementById('tooltip');

  var STATE_COLORS = {
    ESTABLISHED: '#2f9e44', SYN_SENT: '#f08c00', SYN_RECV: '#e8590c', NEW_SYN_RECV: '#d9480f',
    FIN_WAIT1: '#1c7ed6', FIN_WAIT2: '#4dabf7', CLOSING: '#7048e8', TIME_WAIT: '#9775fa',
    CLOSE_WAIT: '#c2255c', LAST_ACK: '#f06595', LISTEN: '#868e96', CLOSE: '#adb5bd', BOUND_INACTIVE: '#ced4da'
  };
  function stateColor(s) { return STATE_COLORS[s] || '#495057'; }

  function el(tag, attrs) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) { append(e, arguments[i]); }
    return e;
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) { append(e, arguments[i]); }
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) { return; }
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined) { return; }
      if (k === 'text') { e.textContent = String(attrs[k]); } else { e.setAttribute(k, String(attrs[k])); }
    });
  }
  function append(e, child) {
    if (child === null || child === undefined) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(e, c); }); return; }
    e.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }

  function fmtBytes(n) {
    if (n === null || n === undefined || n === '') { return '-'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var v = Number(n), u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (u === 0 ? String(v) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[u];
  }
  function fmtDuration(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) { return '-'; }
    var a = Math.abs(ms);
    if (a < 1) { return (ms * 1000).toFixed(a < 0.01 ? 2 : 0) + ' µs'; }
    if (a < 1000) { return ms.toFixed(a < 10 ? 2 : 1) + ' ms'; }
    if (a < 120000) { return (ms / 1000).toFixed(2) + ' s'; }
    return (ms / 60000).toFixed(1) + ' min';
  }
  function fmtCount(n) { return Number(n).toLocaleString('en-US'); }
  // An axis' labels: one unit for the whole axis, the one its span reads best in, with as many
  // decimals as its step needs (0 is "0 s" on a span of seconds, never "0.00 µs").
  function axisFormat(span, step) {
    var unit = span >= 2000 ? [1000, 's'] : span >= 2 ? [1, 'ms'] : [0.001, 'µs'];
    var decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / unit[0]) + 1e-9)));
    return function (ms) {
      var v = ms / unit[0];
      return (Math.abs(v) < Math.pow(10, -decimals) / 2 ? '0' : v.toFixed(decimals)) + ' ' + unit[1];
    };
  }
  // A tick label at x: centred, or kept inside [left, right] at the ends instead of cut off.
  function tickLabel(x, y, text, left, right) {
    var half = text.length * 3.4;
    var anchor = x - half < left ? 'start' : x + half > right ? 'end' : 'middle';
    return sv('text', { x: anchor === 'start' ? Math.max(x, left) : anchor === 'end' ? Math.min(x, right) : x, y: y, 'text-anchor': anchor, 'class': 'tick', text: text });
  }
  function fmtCell(v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'number' && !Number.isInteger(v)) { return v.toFixed(3); }
    return String(v);
  }

  function showTip(evt, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    var x = evt.clientX + 14, y = evt.clientY + 14;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 8) { x = evt.clientX - w - 14; }
    if (y + h > window.innerHeight - 8) { y = evt.clientY - h - 14; }
    tooltip.style.left = Math.max(4, x) + 'px';
    tooltip.style.top = Math.max(4, y) + 'px';
  }
  function hideTip() { tooltip.hidden = true; }
  function hover(node, textFn) {
    node.addEventListener('mousemove', function (evt) { showTip(evt, textFn()); });
    node.addEventListener('mouseleave', hideTip);
  }

  function section(id, title, note) {
    var s = el('section', { id: 'fig-' + id, 'class': 'figure' }, el('h2', { text: title }));
    if (note) { s.appendChild(el('p', { 'class': 'stats', text: note })); }
    root.appendChild(s);
    return s;
  }
  function sqlBlock(sql) {
    return el('details', { 'class': 'sql' }, el('summary', { text: 'SQL (runs as is in: tcprec sql TRACE "…")' }),
      el('pre', { text: sql }));
  }
  function rowsAsObjects(fig) {
    return fig.rows.map(function (r) {
      var o = {};
      fig.columns.forEach(function (c, i) { o[c] = r[i]; });
      return o;
    });
  }

  // ---- at a glance: what went wrong, where, when first; the figures below are the detail ------
  function renderSummary() {
    var s = section('summary', 'At a glance');
    var c = data.context;
    var counts = rowsAsObjects(data.figures.counts)[0] || {};
    var ul = el('ul', { 'class': 'summary' });
    function point(label, text, bad) {
      ul.appendChild(el('li', { 'class': bad ? 'bad' : null }, el('b', { text: label + ': ' }), text));
    }
    var lost = Number(c.lost_events || 0), broken = Number(c.broken_lifetimes || 0);
    if (lost > 0) { point('Incomplete', fmtCount(lost) + ' events were lost while recording: the counts below are lower bounds.', true); }
    if (broken > 0) { point('Incomplete', fmtCount(broken) + ' socket lifetimes skip states: their connections are split or incomplete.', true); }
    var retr = counts.retransmits || 0, syn = counts.synack_retransmits || 0, sent = counts.resets_sent || 0, received = counts.resets_received || 0;
    var trouble = retr + syn + sent + received;
    point('What', fmtCount(counts.connections || 0) + ' connections (' + fmtCount(counts.complete || 0) + ' complete), '
      + (trouble ? fmtCount(retr) + ' retransmits, ' + fmtCount(syn) + ' SYN/ACK retransmits, ' + fmtCount(sent) + ' RSTs sent and '
        + fmtCount(received) + ' received.' : 'no retransmits and no RSTs.'), trouble > 0);
    function worst(fig, key) {
      return rowsAsObjects(fig).filter(function (r) { return r.retransmits + r.resets > 0; })
        .sort(function (a, b) { return (b.retransmits + b.resets) - (a.retransmits + a.resets) || String(a[key]).localeCompare(String(b[key])); })
        .slice(0, 3).map(function (r) {
          return r[key] + ' (' + fmtCount(r.retransmits) + ' retransmits, ' + fmtCount(r.resets) + ' RSTs in ' + fmtCount(r.connections) + ' connections)';
        });
    }
    var remotes = worst(data.figures.top_remote, 'raddr'), processes = worst(data.figures.top_process, 'comm');
    if (remotes.length) { point('Where', 'remote ' + remotes.join('; ') + (processes.length ? '. Processes: ' + processes.join('; ') : '') + '.', true); }
    var ot = data.figures.over_time;
    var binMs = ot.bin_ns / 1e6;
    var bins = rowsAsObjects(ot).map(function (r) { return { bin: r.bin, n: r.retransmits + r.synack_retransmits + r.resets_sent + r.resets_received }; })
      .filter(function (b) { return b.n > 0; });
    if (bins.length) {
      var peak = bins.reduce(function (a, b) { return b.n > a.n ? b : a; });
      point('When', 'first in ' + fmtDuration(bins[0].bin * binMs) + ' – ' + fmtDuration((bins[0].bin + 1) * binMs)
        + ' after the recording began; most (' + fmtCount(peak.n) + ') in ' + fmtDuration(peak.bin * binMs) + ' – '
        + fmtDuration((peak.bin + 1) * binMs) + '.', true);
    }
    s.appendChild(ul);
  }

  // ---- context -------------------------------------------------------------------------------
  function renderContext() {
    var c = data.context;
    var rec = c.recording || {};
    document.title = 'tcprec report: ' + (c.hostname || '?') + ' ' + (rec.start || '');
    document.getElementById('title').textContent = 'tcprec report: ' + c.file;
    document.getElementById('subtitle').textContent = 'host ' + (c.hostname || '?') + ', kernel ' + (c.kernel || '?')
      + ', recorded ' + (rec.start || '?') + (c.scrubbed ? ' (scrubbed trace)' : '');
    var s = section('context', 'Recording');
    var dl = el('dl', { 'class': 'context' });
    function item(k, v, cls) { dl.appendChild(el('dt', { text: k })); dl.appendChild(el('dd', { text: v, 'class': cls || null })); }
    item('host', (c.hostname || '?') + (c.boot_id ? ', boot id ' + c.boot_id : ''));
    item('kernel', [c.kernel, c.kernel_version, c.machine].filter(Boolean).join(' '));
    item('recorded', (rec.start || '?') + ' → ' + (rec.stop || '?') + (c.timezone ? ' (host time zone ' + c.timezone + ')' : ''));
    item('duration', rec.duration_ns != null ? fmtDuration(rec.duration_ns / 1e6) + (rec.stop_reason ? ', stopped by ' + rec.stop_reason : '') : '-');
    var events = c.events || {};
    var byType = Object.keys(events).filter(function (k) { return events[k] > 0; })
      .map(function (k) { return k + ' ' + fmtCount(events[k]); });
    item('events', fmtCount(c.rows) + ' rows' + (byType.length ? ': ' + byType.join(', ') : ''));
    var lost = Number(c.lost_events || 0);
    item('lost events', lost > 0 ? fmtCount(lost) + ' lost (ring buffer full, or skipped by the kernel): counts below are incomplete' : '0', lost > 0 ? 'bad' : null);
    if (c.broken_lifetimes != null) {
      var broken = Number(c.broken_lifetimes);
      item('broken lifetimes', broken > 0 ? fmtCount(broken) + ' socket lifetimes skip states (state changes are missing that no loss counter saw): their connections are split or incomplete' : '0',
        broken > 0 ? 'bad' : null);
    }
    var samp = c.sampling || {};
    var sampledOut = (c.sampled_out || {}).tcp_probe;
    item('sampling', samp.mode === 'per_socket_interval'
      ? 'tcp_probe: at most one per socket per ' + fmtDuration(samp.interval_ns / 1e6) + (sampledOut != null ? ' (' + fmtCount(sampledOut) + ' skipped)' : '')
      : (samp.mode ? 'tcp_probe: ' + samp.mode : '-'));
    var f = c.filters || {};
    var filters = Object.keys(f).filter(function (k) { var v = f[k]; return v !== null && !(Array.isArray(v) && v.length === 0); })
      .map(function (k) { return k + '=' + JSON.stringify(f[k]); });
    item('filters', filters.length ? filters.join(', ') : 'none');
    item('missing tracepoints', (c.missing_tracepoints || []).length ? c.missing_tracepoints.join(', ') : 'none',
      (c.missing_tracepoints || []).length ? 'bad' : null);
    if (c.recovered) { item('recovered', 'yes: rebuilt from the journal after a crash; the last second may be missing', 'bad'); }
    item('congestion control', c.congestion_control || '-');
    item('scrubbed', c.scrubbed ? 'yes: addresses, names and kernel addresses are replaced (tcprec info --json shows how)' : 'no');
    item('file', c.file + ' (' + fmtBytes(c.file_bytes) + ')' + (c.tool ? ', recorded by ' + c.tool.name + ' ' + c.tool.version : ''));
    s.appendChild(dl);
  }

  function renderCaps() {
    var s = section('caps', 'What this page shows');
    if (!data.caps.length) {
      s.appendChild(el('p', { 'class': 'notice ok', text: 'Nothing was capped: every connection and every table row of the trace is on this page.' }));
      return;
    }
    var ul = el('ul', { 'class': 'notice', id: 'cap-notice' });
    data.caps.forEach(function (c) {
      ul.appendChild(el('li', { 'class': 'cap', text: c.figure + ': ' + fmtCount(c.shown) + ' of ' + fmtCount(c.total)
        + ' shown (' + c.how + '); run the figure\'s SQL with tcprec sql for all of them.' }));
    });
    s.appendChild(ul);
  }

  function renderCounts() {
    var fig = data.figures.counts;
    var s = section('counts', 'Counts');
    var row = rowsAsObjects(fig)[0] || {};
    var box = el('div', { 'class': 'counts' });
    fig.columns.forEach(function (c) {
      box.appendChild(el('div', { 'class': 'count', 'data-count': c }, el('b', { text: fmtCount(row[c]) }), el('span', { text: c.replace(/_/g, ' ') })));
    });
    s.appendChild(box);
    s.appendChild(sqlBlock(fig.sql));
  }

  // ---- timeline ------------------------------------------------------------------------------
  function niceStep(span, target) {
    var raw = span / target;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var n = raw / mag;
    return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * mag;
  }

  function renderTimeline() {
    var fig = data.figures.timeline;
    var total = (data.window.end_ns - data.window.start_ns) / 1e6;
    var s = section('timeline', fig.title, fmtCount(fig.bars.length) + ' of ' + fmtCount(fig.total)
      + ' connections, from their first state change seen to CLOSE (or the end of the recording), coloured by state.');
    if (!fig.bars.length) { s.appendChild(el('p', { 'class': 'empty', text: 'No connections in this trace.' })); s.appendChild(sqlBlock(fig.sql)); return; }
    var MIN_BAR = 4;
    var W = 1160, left = 8, right = 8, top = 24, laneH = Math.max(3, Math.min(14, Math.floor(560 / Math.max(1, fig.lanes))));
    var barH = Math.max(2, laneH - (laneH > 5 ? 2 : 1));
    var H = top + fig.lanes * laneH + 8;
    // the whole recording, or, when only the first connections are on the page, their span
    var view = fig.total > fig.bars.length ? [fig.bars[0].from, fig.bars[0].to] : [Math.min(0, fig.bars[0].from), Math.max(total, 1e-6)];
    fig.bars.forEach(function (b) { view[1] = Math.max(view[1], b.to); });
    var full = view.slice();
    var toolbar = el('div', { 'class': 'toolbar' });
    var zin = el('button', { type: 'button', text: 'zoom in' });
    var zout = el('button', { type: 'button', text: 'zoom out' });
    var reset = el('button', { type: 'button', text: 'reset' });
    var range = el('span', { 'class': 'hint' });
    toolbar.appendChild(zin); toolbar.appendChild(zout); toolbar.appendChild(reset);
    toolbar.appendChild(el('span', { 'class': 'hint', text: 'drag across the chart to zoom into a span; wheel zooms, shift+wheel pans; hover a bar for details' }));
    toolbar.appendChild(range);
    s.appendChild(toolbar);
    var legend = el('div', { 'class': 'legend' });
    var seen = {};
    fig.bars.forEach(function (b) { b.states.forEach(function (st) { seen[st[1]] = true; }); });
    Object.keys(seen).forEach(function (st) { legend.appendChild(el('span', null, el('i', { style: 'background:' + stateColor(st) }), st)); });
    s.appendChild(legend);
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, style: 'width:100%;height:auto;max-width:' + W + 'px', id: 'timeline-svg', role: 'img', 'aria-label': 'connection timeline' });
    var axis = sv('g', { 'class': 'axis' });
    var barsG = sv('g', { 'class': 'bars' });
    var sel = sv('rect', { y: top, height: H - top, fill: 'rgba(47,111,214,0.15)', visibility: 'hidden' });
    svg.appendChild(axis); svg.appendChild(barsG); svg.appendChild(sel);
    var scroll = el('div', { 'class': 'scroll' }, svg);
    s.appendChild(scroll);
    function x(t) { return left + (t - view[0]) / (view[1] - view[0]) * (W - left - right); }
    function tAt(px) { return view[0] + (px - left) / (W - left - right) * (view[1] - view[0]); }
    var groups = fig.bars.map(function (b, i) {
      var g = sv('g', { 'class': 'conn', 'data-index': i });
      b.states.forEach(function (st, j) {
        var end = j + 1 < b.states.length ? b.states[j + 1][0] : b.to;
        var r = sv('rect', { 'class': 'seg', y: top + b.lane * laneH, height: barH, fill: stateColor(st[1]), 'data-state': st[1] });
        r._from = st[0]; r._to = Math.max(end, st[0]);
        g.appendChild(r);
      });
      hover(g, function () {
        var lines = [b.local + ' → ' + b.remote, 'process ' + (b.comm == null ? '?' : b.comm) + ' (pid ' + (b.pid == null ? '?' : b.pid) + ')',
          'from ' + fmtDuration(b.from) + ' to ' + fmtDuration(b.to) + ' (' + fmtDuration(b.to - b.from) + ')',
          'sent ' + fmtBytes(b.tx) + ', received ' + fmtBytes(b.rx) + (b.note ? ', ' + b.note : ''), 'states:'];
        b.states.forEach(function (st) { lines.push('  ' + fmtDuration(st[0]) + ' ' + st[1]); });
        return lines.join('\n');
      });
      barsG.appendChild(g);
      return g;
    });
    function draw() {
      while (axis.firstChild) { axis.removeChild(axis.firstChild); }
      var step = niceStep(view[1] - view[0], 10);
      var label = axisFormat(view[1] - view[0], step);
      for (var t = Math.ceil(view[0] / step) * step; t <= view[1] + step * 1e-9; t += step) {
        axis.appendChild(sv('line', { 'class': 'grid', x1: x(t), x2: x(t), y1: top - 4, y2: H }));
        axis.appendChild(tickLabel(x(t), 12, label(t), 0, W));
      }
      groups.forEach(function (g) {
        var first = null, last = null;
        for (var k = 0; k < g.childNodes.length; k++) {
          var r = g.childNodes[k];
          var a = Math.max(r._from, view[0]), b = Math.min(r._to, view[1]);
          if (b < a) { r.setAttribute('width', 0); r.setAttribute('x', -10); continue; }
          r.setAttribute('x', x(a));
          r.setAttribute('width', Math.max(1, x(b) - x(a)));
          if (first === null) { first = x(a); }
          last = r;
        }
        // a connection shorter than a few pixels stays visible: its last state widens to MIN_BAR
        if (last !== null) {
          var lx0 = Number(last.getAttribute('x'));
          last.setAttribute('width', Math.max(Number(last.getAttribute('width')), first + MIN_BAR - lx0));
        }
      });
      range.textContent = 'showing ' + label(view[0]) + ' – ' + label(view[1]);
    }
    function zoom(factor, center) {
      var c = center === undefined ? (view[0] + view[1]) / 2 : center;
      var span = Math.max((view[1] - view[0]) * factor, 1e-4);
      view = [c - (c - view[0]) * factor, c + (view[1] - c) * factor];
      if (view[1] - view[0] < 1e-4) { view[1] = view[0] + span; }
      draw();
    }
    zin.addEventListener('click', function () { zoom(0.5); });
    zout.addEventListener('click', function () { zoom(2); });
    reset.addEventListener('click', function () { view = full.slice(); draw(); });
    svg.addEventListener('wheel', function (evt) {
      evt.preventDefault();
      var px = (evt.clientX - svg.getBoundingClientRect().left) * W / svg.getBoundingClientRect().width;
      if (evt.shiftKey) {
        var shift = (view[1] - view[0]) * (evt.deltaY > 0 ? 0.1 : -0.1);
        view = [view[0] + shift, view[1] + shift];
        draw();
      } else {
        zoom(evt.deltaY > 0 ? 1.25 : 0.8, tAt(px));
      }
    }, { passive: false });
    var dragFrom = null;
    function px(evt) { return (evt.clientX - svg.getBoundingClientRect().left) * W / svg.getBoundingClientRect().width; }
    svg.addEventListener('mousedown', function (evt) { dragFrom = px(evt); sel.setAttribute('visibility', 'visible'); sel.setAttribute('x', dragFrom); sel.setAttribute('width', 0); });
    svg.addEventListener('mousemove', function (evt) {
      if (dragFrom === null) { return; }
      var p = px(evt);
      sel.setAttribute('x', Math.min(p, dragFrom));
      sel.setAttribute('width', Math.abs(p - dragFrom));
    });
    window.addEventListener('mouseup', function (evt) {
      if (dragFrom === null) { return; }
      var p = px(evt);
      sel.setAttribute('visibility', 'hidden');
      if (Math.abs(p - dragFrom) > 4) { view = [tAt(Math.min(p, dragFrom)), tAt(Math.max(p, dragFrom))]; draw(); }
      dragFrom = null;
    });
    draw();
    s.appendChild(sqlBlock(fig.sql));
    state.figures.timeline = { bars: groups.length, lanes: fig.lanes };
  }

  // ---- distributions -------------------------------------------------------------------------
  // horizontal grid lines at 0, half and the maximum count, without repeating a rounded label
  function yTicks(axis, maxN, W, H, left, bottom, top) {
    var done = {};
    [0, 0.5, 1].forEach(function (f) {
      var v = Math.round(f * maxN);
      if (done[v]) { return; }
      done[v] = true;
      var y = H - bottom - v / maxN * (H - bottom - top);
      axis.appendChild(sv('line', { 'class': 'grid', x1: left, x2: W - 8, y1: y, y2: y }));
      axis.appendChild(sv('text', { x: left - 4, y: y + 4, 'text-anchor': 'end', text: fmtCount(v) }));
    });
  }

  function bucketLabel(b) {
    if (b === 0) { return '< 1 µs'; }
    return '≥ ' + fmtDuration(Math.pow(2, b - 1) / 1000);
  }

  function renderHistogram(container, id) {
    var fig = data.figures[id];
    var box = el('div', { 'class': 'histogram', id: 'hist-' + id }, el('h3', { text: fig.title }));
    container.appendChild(box);
    var stats = rowsAsObjects({ columns: fig.stats_columns, rows: fig.stats })[0] || { n: 0 };
    if (!fig.rows.length) {
      box.appendChild(el('p', { 'class': 'empty', text: 'No values in this trace.' }));
      box.appendChild(sqlBlock(fig.sql));
      state.figures[id] = { bars: 0, n: 0 };
      return;
    }
    box.appendChild(el('p', { 'class': 'stats', text: 'n ' + fmtCount(stats.n) + ', median ' + fmtDuration(stats.p50 / 1000) + ', p90 '
      + fmtDuration(stats.p90 / 1000) + ', p99 ' + fmtDuration(stats.p99 / 1000) + ', max ' + fmtDuration(stats.max / 1000) }));
    var rows = rowsAsObjects(fig);
    var lo = rows[0].bucket, hi = rows[rows.length - 1].bucket;
    var counts = {};
    rows.forEach(function (r) { counts[r.bucket] = r.n; });
    var maxN = Math.max.apply(null, rows.map(function (r) { return r.n; }));
    var W = 420, H = 210, left = 40, bottom = 54, top = 8;
    var nb = hi - lo + 1, bw = (W - left - 8) / nb;
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, style: 'width:100%;height:auto;max-width:' + W + 'px', role: 'img', 'aria-label': fig.title });
    var axis = sv('g', { 'class': 'axis' });
    svg.appendChild(axis);
    axis.appendChild(sv('line', { x1: left, x2: W - 8, y1: H - bottom, y2: H - bottom }));
    yTicks(axis, maxN, W, H, left, bottom, top);
    var drawn = 0;
    for (var b = lo; b <= hi; b++) {
      var n = counts[b] || 0;
      var h = n / maxN * (H - bottom - top);
      var bx = left + (b - lo) * bw;
      if (n > 0) {
        var r = sv('rect', { 'class': 'hist-bar', x: bx + 1, y: H - bottom - h, width: Math.max(1, bw - 2), height: Math.max(1, h), fill: '#4c6ef5', 'data-n': n });
        (function (bb, nn) { hover(r, function () { return bucketLabel(bb) + (bb > 0 ? ' and < ' + fmtDuration(Math.pow(2, bb) / 1000) : '') + ': ' + fmtCount(nn); }); })(b, n);
        svg.appendChild(r);
        drawn++;
      }
      if ((b - lo) % Math.ceil(nb / 9) === 0) {
        // hanging down to the left of the tick, so that the last bucket's label stays inside the figure
        axis.appendChild(sv('text', { x: bx + bw / 2, y: H - bottom + 12, 'text-anchor': 'end', transform: 'rotate(-35 ' + (bx + bw / 2) + ' ' + (H - bottom + 12) + ')', text: bucketLabel(b) }));
      }
    }
    box.appendChild(svg);
    box.appendChild(sqlBlock(fig.sql));
    state.figures[id] = { bars: drawn, n: stats.n };
  }

  function renderDistributions() {
    var s = section('distributions', 'Distributions', 'Power-of-two buckets; hover a bar for its count.');
    var grid = el('div', { 'class': 'charts' });
    s.appendChild(grid);
    ['lifespan', 'connect_latency', 'srtt'].forEach(function (id) { guarded(id, function () { renderHistogram(grid, id); }); });
  }

  // ---- over time -----------------------------------------------------------------------------
  function renderOverTime() {
    var fig = data.figures.over_time;
    var s = section('over_time', fig.title, fig.bins + ' bins of ' + fmtDuration(fig.bin_ns / 1e6) + ' from the start of the recording; stacked.');
    var series = [['retransmits', '#e03131'], ['synack_retransmits', '#f08c00'], ['resets_sent', '#7048e8'], ['resets_received', '#1c7ed6']];
    var bins = [];
    for (var i = 0; i < fig.bins; i++) { bins.push({ bin: i }); }
    rowsAsObjects(fig).forEach(function (r) { bins[r.bin] = r; });
    var totals = bins.map(function (b) { return series.reduce(function (a, sr) { return a + (b[sr[0]] || 0); }, 0); });
    var maxN = Math.max(1, Math.max.apply(null, totals));
    var legend = el('div', { 'class': 'legend' });
    series.forEach(function (sr) {
      var sum = bins.reduce(function (a, b) { return a + (b[sr[0]] || 0); }, 0);
      legend.appendChild(el('span', null, el('i', { style: 'background:' + sr[1] }), sr[0].replace(/_/g, ' ') + ' (' + fmtCount(sum) + ')'));
    });
    s.appendChild(legend);
    var W = 1160, H = 200, left = 44, bottom = 24, top = 8;
    var bw = (W - left - 8) / fig.bins;
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, style: 'width:100%;height:auto;max-width:' + W + 'px', role: 'img', 'aria-label': fig.title });
    var axis = sv('g', { 'class': 'axis' });
    svg.appendChild(axis);
    axis.appendChild(sv('line', { x1: left, x2: W - 8, y1: H - bottom, y2: H - bottom }));
    yTicks(axis, maxN, W, H, left, bottom, top);
    var binMs = fig.bin_ns / 1e6;
    var otLabel = axisFormat(fig.bins * binMs, 10 * binMs);
    for (var k = 0; k <= fig.bins; k += 10) {
      axis.appendChild(tickLabel(left + k * bw, H - 6, otLabel(k * binMs), 0, W));
    }
    var drawn = 0;
    bins.forEach(function (b, idx) {
      var y = H - bottom;
      series.forEach(function (sr) {
        var n = b[sr[0]] || 0;
        if (!n) { return; }
        var h = n / maxN * (H - bottom - top);
        y -= h;
        var r = sv('rect', { 'class': 'ot-bar', 'data-series': sr[0], 'data-n': n, x: left + idx * bw + 1, y: y, width: Math.max(1, bw - 2), height: Math.max(1, h), fill: sr[1] });
        hover(r, function () { return fmtDuration(idx * binMs) + ' – ' + fmtDuration((idx + 1) * binMs) + ': ' + fmtCount(n) + ' ' + sr[0].replace(/_/g, ' '); });
        svg.appendChild(r);
        drawn++;
      });
    });
    if (!drawn) { s.appendChild(el('p', { 'class': 'empty', text: 'No retransmits and no RSTs in this trace.' })); }
    s.appendChild(svg);
    s.appendChild(sqlBlock(fig.sql));
    state.figures.over_time = { bars: drawn };
  }

  // ---- state transitions ---------------------------------------------------------------------
  var STATE_POS = {
    CLOSE: [470, 40], BOUND_INACTIVE: [760, 40], LISTEN: [200, 130], SYN_SENT: [740, 130], NEW_SYN_RECV: [60, 230],
    SYN_RECV: [250, 240], ESTABLISHED: [470, 270], FIN_WAIT1: [230, 380], CLOSE_WAIT: [710, 380],
    FIN_WAIT2: [120, 490], CLOSING: [350, 490], LAST_ACK: [710, 490], TIME_WAIT: [350, 590]
  };

  function renderStates() {
    var fig = data.figures.transitions;
    var times = data.figures.time_in_state;
    var s = section('states', 'State transitions', 'Arrows: transitions seen, with their count; boxes: median and total time spent in the state.');
    var rows = rowsAsObjects(fig);
    var stay = {};
    rowsAsObjects(times).forEach(function (r) { stay[r.state] = r; });
    var pos = {};
    var extra = 0;
    rows.forEach(function (r) {
      [r.oldstate, r.newstate].forEach(function (st) {
        if (pos[st]) { return; }
        pos[st] = STATE_POS[st] ? STATE_POS[st].slice() : [80 + (extra++) * 150, 680];
      });
    });
    // the drawing's box: the boxes used, with room for the curves and the self-loops on the right
    var xs = Object.keys(pos).map(function (st) { return pos[st][0]; }), ys = Object.keys(pos).map(function (st) { return pos[st][1]; });
    if (!xs.length) { xs = [470]; ys = [40]; }
    var vx = Math.min.apply(null, xs) - 118 / 2 - 30, vy = Math.min.apply(null, ys) - 40 / 2 - 30;
    var W = Math.max.apply(null, xs) + 118 / 2 + 60 - vx, H = Math.max.apply(null, ys) + 40 / 2 + 30 - vy;
    var svg = sv('svg', { viewBox: vx + ' ' + vy + ' ' + W + ' ' + H, style: 'width:100%;height:auto;max-width:' + W + 'px', id: 'states-svg', role: 'img', 'aria-label': 'state transition diagram' });
    var defs = sv('defs');
    defs.appendChild(sv('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      sv('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#6f7d95' })));
    svg.appendChild(defs);
    var maxN = Math.max.apply(null, rows.map(function (r) { return r.transitions; }).concat([1]));
    var edges = sv('g');
    var nodes = sv('g');
    svg.appendChild(edges); svg.appendChild(nodes);
    var boxW = 118, boxH = 40;
    // where a ray from the centre of the box at p in direction (dx, dy) leaves the box
    function border(p, dx, dy) {
      var t = Math.min(Math.abs(dx) > 1e-9 ? boxW / 2 / Math.abs(dx) : Infinity, Math.abs(dy) > 1e-9 ? boxH / 2 / Math.abs(dy) : Infinity);
      return [p[0] + dx * t, p[1] + dy * t];
    }
    rows.forEach(function (r) {
      var a = pos[r.oldstate], b = pos[r.newstate];
      var g = sv('g', { 'class': 'edge', 'data-from': r.oldstate, 'data-to': r.newstate, 'data-count': r.transitions });
      var width = 1.2 + 2.8 * Math.log(1 + r.transitions) / Math.log(1 + maxN);
      var d, lx, ly;
      if (r.oldstate === r.newstate) {
        d = 'M' + (a[0] + boxW / 2) + ',' + (a[1] - 6) + ' c 40,-30 40,30 0,14';
        lx = a[0] + boxW / 2 + 34; ly = a[1];
      } else {
        var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
        // leave and enter at the box borders, bent to one side so that A->B and B->A stay apart
        var ux = dx / len, uy = dy / len;
        var cx = (a[0] + b[0]) / 2 - uy * 28, cy = (a[1] + b[1]) / 2 + ux * 28;
        // leave towards the control point and arrive from it, at the borders the curve crosses
        var s0 = border(a, cx - a[0], cy - a[1]), e0 = border(b, cx - b[0], cy - b[1]);
        var sx = s0[0], sy = s0[1], ex = e0[0], ey = e0[1];
        d = 'M' + sx + ',' + sy + ' Q' + cx + ',' + cy + ' ' + ex + ',' + ey;
        lx = (sx + 2 * cx + ex) / 4; ly = (sy + 2 * cy + ey) / 4 + 4;
      }
      g.appendChild(sv('path', { d: d, 'stroke-width': width.toFixed(2), 'marker-end': 'url(#arrow)' }));
      g.appendChild(sv('text', { x: lx, y: ly, text: fmtCount(r.transitions) }));
      hover(g, function () { return r.oldstate + ' → ' + r.newstate + ': ' + fmtCount(r.transitions) + ' transitions'; });
      edges.appendChild(g);
    });
    Object.keys(pos).forEach(function (st) {
      var p = pos[st];
      var t = stay[st];
      var g = sv('g', { 'class': 'state-node', 'data-state': st });
      g.appendChild(sv('rect', { x: p[0] - boxW / 2, y: p[1] - boxH / 2, width: boxW, height: boxH, style: 'stroke:' + stateColor(st) + ';stroke-width:2' }));
      g.appendChild(sv('text', { x: p[0], y: p[1] - 3, 'font-weight': 600, text: st }));
      g.appendChild(sv('text', { x: p[0], y: p[1] + 12, 'font-size': 10, text: t ? 'median ' + fmtDuration(t.median_ms) : '' }));
      hover(g, function () {
        return t ? st + ': ' + fmtCount(t.stays) + ' stays, median ' + fmtDuration(t.median_ms) + ', max ' + fmtDuration(t.max_ms)
          + ', total ' + fmtDuration(t.total_ms) : st + ': no complete stay seen';
      });
      nodes.appendChild(g);
    });
    s.appendChild(svg);
    s.appendChild(sqlBlock(fig.sql + ';\n\n' + times.sql));
    renderTable(s, times, 'time_in_state', false);
    state.figures.transitions = { edges: rows.length, nodes: Object.keys(pos).length };
  }

  // ---- tables --------------------------------------------------------------------------------
  function renderTable(container, fig, id, withSql) {
    var wrap = el('div', { 'class': 'table-wrap', id: 'table-' + id });
    var filter = el('input', { 'class': 'filter', type: 'search', placeholder: 'filter rows…', 'aria-label': 'filter ' + fig.title });
    var shown = el('span', { 'class': 'hint' });
    wrap.appendChild(el('div', { 'class': 'toolbar' }, filter, shown));
    var table = el('table', { 'class': 'data' });
    var thead = el('thead'), tbody = el('tbody');
    table.appendChild(thead); table.appendChild(tbody);
    var numeric = fig.columns.map(function (c, i) {
      return fig.rows.length > 0 && fig.rows.every(function (r) { return r[i] === null || typeof r[i] === 'number'; });
    });
    var sortCol = -1, sortDir = 1;
    var headRow = el('tr');
    fig.columns.forEach(function (c, i) {
      var th = el('th', { text: c, 'data-col': i, title: 'sort by ' + c });
      th.addEventListener('click', function () {
        sortDir = sortCol === i ? -sortDir : (numeric[i] ? -1 : 1);
        sortCol = i;
        Array.prototype.forEach.call(headRow.childNodes, function (h) { h.className = ''; });
        th.className = sortDir > 0 ? 'sorted-asc' : 'sorted-desc';
        fill();
      });
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    function fill() {
      var q = filter.value.trim().toLowerCase();
      var rows = fig.rows.filter(function (r) {
        return !q || r.some(function (v) { return v !== null && String(v).toLowerCase().indexOf(q) >= 0; });
      });
      if (sortCol >= 0) {
        rows = rows.slice().sort(function (a, b) {
          var x = a[sortCol], y = b[sortCol];
          if (x === y) { return 0; }
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          return (numeric[sortCol] ? x - y : String(x).localeCompare(String(y))) * sortDir;
        });
      }
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      rows.forEach(function (r) {
        var tr = el('tr');
        r.forEach(function (v, i) { tr.appendChild(el('td', { text: fmtCell(v), 'class': numeric[i] ? 'num' : null })); });
        tbody.appendChild(tr);
      });
      shown.textContent = fmtCount(rows.length) + ' of ' + fmtCount(fig.rows.length) + ' rows shown'
        + (fig.total > fig.rows.length ? ' (the page holds ' + fmtCount(fig.rows.length) + ' of ' + fmtCount(fig.total) + ')' : '');
    }
    filter.addEventListener('input', fill);
    fill();
    wrap.appendChild(el('div', { 'class': 'scroll' }, table));
    if (withSql) { wrap.appendChild(sqlBlock(fig.sql)); }
    container.appendChild(wrap);
    state.figures[id] = { rows: fig.rows.length, total: fig.total };
  }

  function renderTop() {
    var s = section('top', 'Top remote endpoints, processes and local ports',
      'By connections; bytes are bytes_acked / bytes_received at the end of each connection; retransmits and RSTs are those of each connection\'s socket lifetime.');
    [['top_remote', 'Remote endpoints'], ['top_process', 'Processes'], ['top_local_port', 'Local ports: each listening port, and outgoing connections together']].forEach(function (t) {
      guarded(t[0], function () {
        s.appendChild(el('h3', { text: t[1] }));
        renderTable(s, data.figures[t[0]], t[0], true);
      });
    });
  }

  function renderConnections() {
    var fig = data.figures.connections;
    var s = section('connections', 'Connections', 'Click a column to sort, type to filter. Times are from the start of the recording; the process is the one bcc\'s tcplife names.');
    renderTable(s, fig, 'connections', true);
  }

  function guarded(name, fn) {
    try {
      fn();
    } catch (e) {
      state.failed.push(name);
      console.error('tcprec report: ' + name + ' failed: ' + (e && e.stack ? e.stack : e));
      root.appendChild(el('p', { 'class': 'notice', text: 'The figure "' + name + '" could not be drawn: ' + e }));
    }
  }

  guarded('summary', renderSummary);
  guarded('context', renderContext);
  guarded('caps', renderCaps);
  guarded('counts', renderCounts);
  guarded('over_time', renderOverTime);
  guarded('timeline', renderTimeline);
  guarded('states', renderStates);
  guarded('distributions', renderDistributions);
  guarded('top', renderTop);
  guarded('connections', renderConnections);
  state.renderMs = performance.now() - started;
  state.rendered = state.failed.length === 0;
  document.body.setAttribute('data-rendered', state.rendered ? 'yes' : 'failed');
  document.body.setAttribute('data-render-ms', String(Math.round(state.renderMs)));
})();
