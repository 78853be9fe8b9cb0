// The dashboard: backfill (station, state, history, events), then live over the
// WebSocket; crew actions through the API's command path, each answer shown as it came.
import * as api from './api.js';
import { StationMap } from './map.js';
import { ModuleCharts } from './charts.js';
import * as panels from './panels.js';

const ALARM_EVENTS = new Set(['leak_alarm', 'rapid_depress', 'low_pressure']);
const EVENT_PAGE = 200;

const page = {
  station: null,
  map: null,
  charts: null,
  state: null,
  alarms: new Map(), // module -> {event, rate, time, acknowledged}
  blind: new Set(),
  events: [], // newest first, as shown
  oldestCursor: null,
  seenEvents: new Set(),
};
window.cloakDashboard = page; // for a look from the browser's console

function eventKey(e) {
  if (e.sequence !== undefined) return `#${e.sequence}`;
  return `${e.time_s}|${e.event}|${e.module ?? ''}|${e.sensor ?? ''}|${e.hatch ?? ''}|${e.drone ?? ''}|${e.request_id ?? ''}`;
}

/** Applies an event to the alarm and blind sets (events arrive in time order). */
function noteEvent(e) {
  if (ALARM_EVENTS.has(e.event) && e.module) {
    const prev = page.alarms.get(e.module);
    page.alarms.set(e.module, {
      event: e.event, rate: e.rate_pct_per_h ?? null, time: e.utc ?? e.time_s, acknowledged: prev?.acknowledged ?? false,
    });
  } else if (e.event === 'leak_cleared' && e.module) {
    page.alarms.delete(e.module);
  } else if (e.event === 'module_blind' && e.module) {
    page.blind.add(e.module);
  } else if (e.event === 'module_watched' && e.module) {
    page.blind.delete(e.module);
  } else if (e.event === 'alarm_acknowledged' && e.module && page.alarms.has(e.module)) {
    page.alarms.get(e.module).acknowledged = true;
  }
}

function moduleState(m, hatchPositions) {
  if (m.alarm) return 'alarm';
  if (m.blind || page.blind.has(m.id)) return 'blind';
  const own = page.station.hatches.filter((h) => h.between.includes(m.id));
  if (own.length && own.every((h) => hatchPositions.get(h.id) && hatchPositions.get(h.id) !== 'open')) return 'isolated';
  return 'normal';
}

function applySnapshot(s) {
  page.state = s;
  if (s.station && !page.station.name) document.getElementById('station-name').textContent = s.station;
  const hatchPositions = new Map(s.hatches.map((h) => [h.id, h.position]));
  for (const h of s.hatches) page.map.setHatch(h.id, h.position, h.fault);
  // The snapshot's leak state is the server's account of the events: it wins over ours.
  for (const m of s.modules) {
    const known = page.alarms.get(m.id);
    if (m.alarm && !known) {
      page.alarms.set(m.id, { event: m.alarm, rate: m.ratePctPerH, time: s.utc ? s.utc.toISOString() : s.timeS, acknowledged: false });
    } else if (!m.alarm && known) {
      page.alarms.delete(m.id);
    }
  }
  const rows = [];
  for (const m of s.modules) {
    const state = moduleState(m, hatchPositions);
    page.map.setModule(m.id, state, m.pressurePa);
    page.charts.setState(m.id, state);
    if (s.utc) page.charts.append(m.id, { t: s.utc, p: m.pressurePa, r: m.ratePctPerH });
    rows.push({ ...m, state });
  }
  panels.renderModules(document.querySelector('#modules tbody'), rows);
  const capacity = new Map(page.station.drones.map((d) => [d.id, d.batteryWh]));
  const drones = s.drones.map((d) => ({
    ...d, batteryPct: d.batteryWh !== null && capacity.get(d.id) ? (100 * d.batteryWh) / capacity.get(d.id) : null,
  }));
  page.map.setDrones(drones);
  panels.renderDrones(document.getElementById('drones'), drones);
  panels.renderPlan(document.getElementById('plan'), s, page.events, page.station.drones.map((d) => d.id));
  panels.renderControl(s.control);
  panels.renderAlarms(page.alarms, s, sendAndShow);
  document.getElementById('clock').textContent = s.utc
    ? `${s.utc.toISOString().replace('T', ' ').slice(0, 19)} UTC (t = ${Math.round(s.timeS)} s)${s.safeMode ? `, SAFE MODE (${s.safeMode})` : ''}`
    : '';
  page.charts.redraw();
  for (const [id, s2] of page.charts.series) s2.card.dataset.points = String(page.charts.pointCount(id));
}

function addEvents(list, { prepend }) {
  const fresh = list.filter((e) => !page.seenEvents.has(eventKey(e)));
  for (const e of fresh) page.seenEvents.add(eventKey(e));
  if (!fresh.length) return;
  if (prepend) page.events.unshift(...fresh.slice().reverse());
  else page.events.push(...fresh.slice().reverse());
  panels.renderEvents(document.querySelector('#events tbody'), page.events);
  panels.renderCommands(document.querySelector('#commands tbody'), page.events);
}

async function backfill() {
  const [stateRaw, eventsRaw] = await Promise.all([
    api.getJSON(api.paths.state),
    api.getJSON(api.paths.events, { limit: EVENT_PAGE }),
  ]);
  // Events come oldest first within the page.
  const events = eventsRaw.events ?? [];
  page.oldestCursor = eventsRaw.next_before ?? null;
  for (const e of events) noteEvent(e);
  addEvents(events, { prepend: true });
  const history = await api.getJSON(api.paths.history, { hours: 6 });
  for (const series of history.modules ?? []) {
    page.charts.backfill(series.module, (series.points ?? []).map(api.normHistoryPoint));
  }
  applySnapshot(api.normState(stateRaw));
  document.body.dataset.backfilled = String(
    [...page.charts.series.keys()].reduce((n, id) => n + page.charts.pointCount(id), 0));
}

async function olderEvents() {
  if (page.oldestCursor === null) return;
  const older = await api.getJSON(api.paths.events, { limit: EVENT_PAGE, before: page.oldestCursor });
  page.oldestCursor = older.next_before ?? null;
  addEvents(older.events ?? [], { prepend: false });
  document.getElementById('events-older').disabled = page.oldestCursor === null;
}

/** Sends a command and shows its answer (HTTP status, the arbiter's code and reason). */
async function sendAndShow(command, args = {}, where = document.getElementById('action-response')) {
  where.textContent = `${command}: sending...`;
  where.removeAttribute('data-ok');
  try {
    const { httpStatus, body } = await api.sendCommand(command, args);
    const ok = httpStatus < 300 && (body.status ?? body.code ?? 'ok') === 'ok';
    where.dataset.ok = String(ok);
    where.textContent = `${command}: ${panels.describeResponse(httpStatus, body)}`;
    return { ok, httpStatus, body };
  } catch (err) {
    where.dataset.ok = 'false';
    where.textContent = `${command}: not sent (${err.message})`;
    return { ok: false };
  }
}

function wireActions() {
  document.getElementById('stop-drones').addEventListener('click', () => sendAndShow('stop_all_drones'));
  document.getElementById('end-lease').addEventListener('click', () => sendAndShow('lease_end'));
  document.getElementById('isolation-approve').addEventListener('click', () => sendAndShow('isolation_approve', panels.isolationArgs(page.state)));
  document.getElementById('isolation-abort').addEventListener('click', () => sendAndShow('isolation_abort', panels.isolationArgs(page.state)));
  document.getElementById('events-older').addEventListener('click', () => olderEvents().catch(showError));
}

function setConnection(state, detail) {
  const c = document.getElementById('conn');
  c.dataset.state = state;
  c.textContent = detail ? `${state}: ${detail}` : state;
  if (state === 'connecting' && detail) c.textContent = 'connecting';
}

function showError(err) {
  const c = document.getElementById('conn');
  c.dataset.state = 'backoff';
  c.textContent = `error: ${err.message}`;
}

async function start() {
  wireActions();
  let station;
  try {
    station = api.normStation(await api.getJSON(api.paths.station));
  } catch (err) {
    // No station document: the graph from the state's hatches, modules on a circle.
    station = api.stationFromState(api.normState(await api.getJSON(api.paths.state)));
  }
  page.station = station;
  document.getElementById('station-name').textContent = station.name;
  document.getElementById('threshold').textContent = String(station.thresholdPctPerH);
  page.map = new StationMap(document.getElementById('map'), station);
  try {
    page.charts = new ModuleCharts(document.getElementById('charts'), station.modules.map((m) => m.id), station.thresholdPctPerH);
  } catch (err) {
    // The plots are lost (the charting library did not load); the rest of the page works.
    document.getElementById('charts').textContent = `No plots: ${err.message}`;
    page.charts = ModuleCharts.none();
  }
  let first = true;
  const live = new api.LiveConnection({
    onStatus: setConnection,
    // Every (re)connection backfills first: what happened while the page was away.
    onOpen: () => {
      if (first) { first = false; return; }
      backfill().catch(showError);
    },
    onMessage: (raw) => {
      const msg = api.normLive(raw);
      if (msg.kind === 'event') {
        noteEvent(msg.body);
        addEvents([msg.body], { prepend: true });
      } else if (msg.kind === 'snapshot') {
        applySnapshot(msg.body);
      }
    },
  });
  await backfill();
  live.start();
}

start().catch(showError);
