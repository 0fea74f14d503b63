// The ward dashboard: follows /api/events (Server-Sent Events) and renders tiles, the alert feed and the model panel.
// No library: the DOM is updated only for tiles that changed, once per animation frame.
'use strict';

window.__dashboardErrors = [];
window.addEventListener('error', e => window.__dashboardErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', e => window.__dashboardErrors.push('unhandled rejection: ' + e.reason));

const COLORS = { normal: '#43a047', crackle: '#fb8c00', wheeze: '#1e88e5', both: '#8e24aa' };
const colorOf = label => COLORS[label] || '#9e9e9e';
const state = { tiles: new Map(), feed: [], acks: {}, models: null, instance: '' };
const dirty = new Set();
let orderDirty = true, feedDirty = true, modelsDirty = true, frame = 0, openDevice = null, disconnectedAt = null;

const $ = id => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
};
const time = iso => iso ? new Date(iso).toLocaleTimeString() : '';
const pct = p => p === null || p === undefined ? '' : Math.round(p * 100) + ' %';

function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

// ---- state updates -------------------------------------------------------------------------------------------------

function applySnapshot(s) {
  state.instance = s.instance;
  state.tiles = new Map(s.tiles.map(t => [t.device, t]));
  state.feed = s.feed;
  state.acks = s.acks || {};
  state.models = s.models;
  $('tiles').replaceChildren();
  state.tiles.forEach((t, d) => dirty.add(d));
  orderDirty = feedDirty = modelsDirty = true;
  schedule();
}

function applyDelta(d) {
  for (const t of d.tiles) {
    const old = state.tiles.get(t.device);
    if (old) {
      const last = old.history.length ? old.history[old.history.length - 1].t : -Infinity;
      t.history = old.history.concat(t.history.filter(p => p.t > last)).slice(-150);
      if (old.severity !== t.severity) orderDirty = true;
    } else {
      orderDirty = true;
    }
    state.tiles.set(t.device, t);
    dirty.add(t.device);
  }
  if (d.feed.length) {
    state.feed = d.feed.slice().reverse().concat(state.feed).slice(0, 500);
    feedDirty = true;
  }
  for (const a of d.acks) {
    state.acks[a.alertId] = a;
    feedDirty = true;
  }
  schedule();
}

// ---- rendering -----------------------------------------------------------------------------------------------------

function render() {
  frame = 0;
  for (const d of dirty) renderTile(state.tiles.get(d));
  dirty.clear();
  if (orderDirty) sortTiles();
  if (feedDirty) renderFeed();
  if (modelsDirty) renderModels();
  orderDirty = feedDirty = modelsDirty = false;
  $('empty').hidden = state.tiles.size > 0;
  const alerting = [...state.tiles.values()].filter(t => t.severity === 0).length;
  $('summary').textContent = `${state.tiles.size} devices, ${alerting} with unacknowledged alerts, instance ${state.instance}`;
  if (openDevice) renderDeviceView(false);
}

function tileElement(device) {
  let e = document.querySelector(`.tile[data-device="${CSS.escape(device)}"]`);
  if (!e) {
    e = el('div', 'tile');
    e.dataset.device = device;
    e.innerHTML = '<h3><span class="id"></span><span class="state"></span></h3><div class="attrs"></div>'
        + '<div class="label"></div><canvas width="300" height="36"></canvas><ul class="alerts"></ul><div class="model"></div>';
    e.querySelector('.id').textContent = device;
    e.addEventListener('click', () => openDeviceView(device));
    $('tiles').appendChild(e);
  }
  return e;
}

function stateText(t) {
  if (t.state === 'lost') return 'signal lost since ' + time(t.stateSince);
  if (t.state === 'poor') return 'poor signal';
  return 'live';
}

function renderTile(t) {
  if (!t) return;
  const e = tileElement(t.device);
  e.className = `tile sev-${t.severity} state-${t.state}`;
  e.dataset.state = t.state;
  const s = e.querySelector('.state');
  s.className = 'state ' + t.state;
  s.textContent = stateText(t);
  e.querySelector('.attrs').textContent = Object.entries(t.attributes || {}).map(([k, v]) => `${k}: ${v}`).join(' · ');
  e.querySelector('.label').textContent = t.inferred ? `${t.label} ${pct(t.probability)}`
      : `not inferred (${(t.quality || '').toLowerCase()})`;
  drawStrip(e.querySelector('canvas'), t.history);
  const ul = e.querySelector('.alerts');
  ul.replaceChildren(...t.alerts.map(a => {
    const ack = a.ack || state.acks[a.id];
    const li = el('li', ack ? 'acked' : '', `${a.kind.replace('_', ' ')} since ${time(a.since)}`
        + (ack ? ` (acknowledged by ${ack.user})` : ''));
    li.dataset.alertId = a.id;
    return li;
  }));
  e.querySelector('.model').textContent = t.model ? `model ${t.model.name} ${t.model.version}` : 'no model yet';
}

// One column per window: the probabilities stacked, normal at the bottom.
function drawStrip(canvas, history) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, n = 150, cw = w / n;
  g.clearRect(0, 0, w, h);
  history.slice(-n).forEach((p, i) => {
    let y = h;
    for (const [label, v] of Object.entries(p.p)) {
      const bh = v * h;
      g.fillStyle = colorOf(label);
      g.fillRect(i * cw, y - bh, Math.max(1, cw - 0.3), bh);
      y -= bh;
    }
    if (!Object.keys(p.p).length) {
      g.fillStyle = '#bdbdbd';
      g.fillRect(i * cw, 0, Math.max(1, cw - 0.3), h);
    }
  });
}

function sortTiles() {
  const order = [...state.tiles.values()].sort((a, b) => a.severity - b.severity || a.device.localeCompare(b.device));
  const box = $('tiles');
  order.forEach(t => box.appendChild(tileElement(t.device)));
}

function renderFeed() {
  const items = state.feed.slice(0, 200);
  $('alert-count').textContent = `(${state.feed.length} changes)`;
  $('feed').replaceChildren(...items.map(f => {
    const li = el('li', f.state);
    li.dataset.alertId = f.alertId;
    li.append(el('b', null, `${f.device} `), `${f.kind.replace('_', ' ')} ${f.state} ${time(f.at)} `,
        el('span', 'muted', f.reason || ''));
    const ack = state.acks[f.alertId];
    if (ack) {
      li.dataset.ackedBy = ack.user;
      li.append(el('div', 'ack', `acknowledged by ${ack.user} at ${time(ack.at)}`));
    } else if (f.state !== 'cleared') {
      const b = el('button', 'ack-button', 'Acknowledge');
      b.addEventListener('click', () => acknowledge(f.alertId, b));
      li.append(b);
    }
    return li;
  }));
}

function renderModels() {
  const m = state.models;
  if (!m) return;
  const versionOf = sha => (m.releases.find(r => r.sha256 === sha) || {}).modelVersion || (sha || '').slice(0, 12);
  $('desired').textContent = m.desired ? `desired: ${versionOf(m.desired.sha256)} (${m.desired.action} at ${time(m.desired.at)})`
      : 'no release on the models topic yet';
  $('instances').tBodies[0].replaceChildren(...m.instances.map(i => {
    const tr = el('tr');
    tr.dataset.instance = i.instance;
    tr.append(el('td', null, i.instance), el('td', null, i.servingVersion || (i.serving || '').slice(0, 12)),
        el('td', 'outcome-' + i.lastOutcome, i.lastOutcome + (i.lastReason ? ': ' + i.lastReason : '')));
    return tr;
  }));
  $('releases').tBodies[0].replaceChildren(...m.releases.map(r => {
    const tr = el('tr');
    tr.dataset.sha = r.sha256;
    tr.dataset.version = r.modelVersion || '';
    const outcomes = el('td');
    r.outcomes.forEach(o => {
      const d = el('div', 'outcome-' + o.outcome, `${o.instance}: ${o.outcome}${o.reason ? ' (' + o.reason + ')' : ''}`);
      d.dataset.outcome = o.outcome;
      outcomes.append(d);
    });
    tr.append(el('td', null, `${r.modelName || ''} ${r.modelVersion || ''} [${r.shortId}]`),
        el('td', null, r.publishedAt ? `${time(r.publishedAt)} by ${r.publishedBy || '?'}` : ''), outcomes);
    return tr;
  }));
}

// ---- device view ---------------------------------------------------------------------------------------------------

function openDeviceView(device) {
  openDevice = device;
  $('device-view').hidden = false;
  renderDeviceView(true);
}

let shownWindow = null;
function renderDeviceView(first) {
  const t = state.tiles.get(openDevice);
  if (!t) return;
  $('dv-title').textContent = t.device;
  $('dv-attrs').textContent = Object.entries(t.attributes || {}).map(([k, v]) => `${k}: ${v}`).join(' · ');
  $('dv-state').textContent = `${stateText(t)}; latest window ending ${time(t.windowEnd)}: `
      + (t.inferred ? `${t.label} ${pct(t.probability)}` : 'not inferred') + (t.model ? `, model ${t.model.version}` : '');
  $('dv-quality').textContent = t.quality === 'OK' ? 'usable signal' : `${t.quality}: ${t.qualityReason || ''}`;
  if (first || shownWindow !== t.windowEnd) {
    shownWindow = t.windowEnd;
    const img = $('dv-spectrogram');
    img.onerror = () => {
      $('dv-spectrogram-note').hidden = false;
      $('dv-spectrogram-note').textContent = 'No features of this device yet (no usable window inferred recently).';
    };
    img.onload = () => { $('dv-spectrogram-note').hidden = true; };
    img.src = `/api/devices/${encodeURIComponent(t.device)}/spectrogram.png?w=${encodeURIComponent(t.windowEnd || '')}`;
  }
  drawChart($('dv-chart'), t.history);
  $('dv-legend').replaceChildren(...Object.keys(COLORS).map(k => {
    const s = el('span');
    const i = el('i');
    i.style.background = COLORS[k];
    s.append(i, k);
    return s;
  }));
  $('dv-alerts').replaceChildren(...state.feed.filter(f => f.device === t.device).slice(0, 50).map(f =>
      el('li', f.state, `${time(f.at)} ${f.kind.replace('_', ' ')} ${f.state}: ${f.reason || ''}`
          + (state.acks[f.alertId] ? ` (acknowledged by ${state.acks[f.alertId].user})` : ''))));
}

function drawChart(canvas, history) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#e0e0e0';
  [0.25, 0.5, 0.75].forEach(y => { g.beginPath(); g.moveTo(0, h - y * h); g.lineTo(w, h - y * h); g.stroke(); });
  if (history.length < 1) return;
  const t0 = history[0].t, t1 = Math.max(history[history.length - 1].t, t0 + 1);
  const x = t => (t - t0) / (t1 - t0) * (w - 4) + 2;
  for (const label of Object.keys(COLORS)) {
    g.strokeStyle = COLORS[label];
    g.lineWidth = 2;
    g.beginPath();
    let started = false;
    for (const p of history) {
      const v = p.p[label];
      if (v === undefined) { started = false; continue; }
      if (started) g.lineTo(x(p.t), h - v * h); else g.moveTo(x(p.t), h - v * h);
      started = true;
    }
    g.stroke();
  }
}

$('dv-close').addEventListener('click', () => { openDevice = null; $('device-view').hidden = true; });
$('device-view').addEventListener('click', e => { if (e.target === $('device-view')) $('dv-close').click(); });

// ---- acknowledgements ----------------------------------------------------------------------------------------------

const userInput = $('user');
userInput.value = localStorage.getItem('stethostream.user') || '';
userInput.addEventListener('change', () => localStorage.setItem('stethostream.user', userInput.value.trim()));

async function acknowledge(alertId, button) {
  const err = $('ack-error');
  err.hidden = true;
  button.disabled = true;
  try {
    const r = await fetch('/api/alerts/ack', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ alertId, user: userInput.value.trim() })
    });
    if (!r.ok) throw new Error(await r.text());
    // Shown when the acknowledgement comes back from Kafka, as on every other open page.
  } catch (e) {
    err.textContent = 'Not acknowledged: ' + e.message;
    err.hidden = false;
    button.disabled = false;
  }
}

// ---- connection ----------------------------------------------------------------------------------------------------

function connect() {
  const es = new EventSource('/api/events');
  const conn = $('conn');
  es.addEventListener('snapshot', e => { applySnapshot(JSON.parse(e.data)); });
  es.addEventListener('delta', e => applyDelta(JSON.parse(e.data)));
  es.addEventListener('models', e => { state.models = JSON.parse(e.data); modelsDirty = true; schedule(); });
  es.onopen = () => {
    conn.className = 'conn live';
    conn.textContent = disconnectedAt ? `live (reconnected; disconnected ${time(disconnectedAt)})` : 'live';
    disconnectedAt = null;
  };
  es.onerror = () => {
    // EventSource retries by itself; the page says so until it is back.
    if (!disconnectedAt) disconnectedAt = new Date().toISOString();
    conn.className = 'conn down';
    conn.textContent = `disconnected since ${time(disconnectedAt)}, reconnecting...`;
    if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  };
}
connect();
