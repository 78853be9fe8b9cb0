// The dashboard: on every (re)connection of the live WebSocket it backfills (state,
// events, history) and then applies the live stream; crew actions go through the API's
// command path, each answer shown as it came.
import * as api from './api.js';
import { StationMap } from './map.js';
import { ModuleCharts } from './charts.js';
import * as panels from './panels.js';
import { moduleState, summariseEvents } from './model.js';

const EVENT_PAGE = 200; // events fetched per page
const EVENTS_KEPT = 2000; // events the page holds (older ones are a click away)
const HISTORY_HOURS = 6;

const page = {
  station: null,
  map: null,
  charts: null,
  state: null,
  events: [], // newest first (by sequence)
  bySequence: new Set(),
  olderCursor: null,
  acknowledged: new Map(), // module -> the alarm event (sequence) the crew acknowledged, answered ok
  alarmEvents: new Map(), // module -> the sequence of its newest alarm event
};
window.cloakDashboard = page; // for a look from the browser's console

function addEvents(list) {
  let added = false;
  for (const e of list) {
    const key = e.sequence ?? `${e.time_s}|${e.event}`;
    if (page.bySequence.has(key)) continue;
    page.bySequence.add(key);
    page.events.push(e);
    added = true;
  }
  if (!added) return;
  page.events.sort((a, b) => (b.sequence ?? 0) - (a.sequence ?? 0));
  while (page.events.length > EVENTS_KEPT) {
    const old = page.events.pop();
    page.bySequence.delete(old.sequence ?? `${old.time_s}|${old.event}`);
  }
  panels.renderEvents(document.querySelector('#events tbody'), page.events);
  panels.renderCommands(document.querySelector('#commands tbody'), page.events);
  if (page.state) renderDerived(page.state);
}

/** Everything drawn from the snapshot and the events together. */
function renderDerived(s) {
  const derived = summariseEvents(page.events);
  page.alarmEvents = new Map([...derived.alarms].map(([module, e]) => [module, e.sequence ?? null]));
  const hatchPositions = new Map(s.hatches.map((h) => [h.id, h.position]));
  const rows = s.modules.map((m) => {
    const state = moduleState(m, derived.blind, page.station.hatches, hatchPositions);
    page.map.setModule(m.id, state, m.pressurePa);
    page.charts.setState(m.id, state);
    return { ...m, state };
  });
  panels.renderModules(document.querySelector('#modules tbody'), rows);
  // Active alarms are the server's (the snapshot); the events add since when and how fast.
  const active = s.modules.filter((m) => m.alarm).map((m) => {
    const e = derived.alarms.get(m.id);
    return {
      module: m.id, event: m.alarm, ratePctPerH: m.ratePctPerH ?? e?.rate_pct_per_h ?? null,
      since: e?.utc ?? null, acknowledged: page.acknowledged.has(m.id) && page.acknowledged.get(m.id) === (e?.sequence ?? null),
    };
  });
  panels.renderAlarms(active, derived.isolation, acknowledge);
  panels.renderPlan(document.getElementById('plan'), s, page.events, page.station.drones.map((d) => d.id));
}

function applyState(s) {
  page.state = s;
  for (const h of s.hatches) page.map.setHatch(h.id, h.position, h.fault);
  for (const m of s.modules) {
    if (s.utc) page.charts.append(m.id, { t: s.utc, p: m.pressurePa, r: m.ratePctPerH });
  }
  const capacity = new Map(page.station.drones.map((d) => [d.id, d.batteryWh]));
  const drones = s.drones.map((d) => ({
    ...d, batteryPct: d.batteryWh !== null && capacity.get(d.id) ? (100 * d.batteryWh) / capacity.get(d.id) : null,
  }));
  page.map.setDrones(drones);
  panels.renderDrones(document.getElementById('drones'), drones);
  panels.renderControl(s.control);
  renderDerived(s);
  const clock = s.utc ? `${s.utc.toISOString().replace('T', ' ').slice(0, 19)} UTC (t = ${Math.round(s.timeS)} s)` : '';
  document.getElementById('clock').textContent = clock + (s.safeMode ? `, SAFE MODE (${s.safeMode})` : '');
  page.charts.redraw();
  for (const [id, series] of page.charts.series) series.card.dataset.points = String(page.charts.pointCount(id));
}

/** Backfill: the state, the newest events before `nextEvent`, the history of the last hours. */
async function backfill(nextEvent) {
  const [stateRaw, eventsRaw] = await Promise.all([
    api.getJSON(api.paths.state),
    api.getJSON(api.paths.events, { limit: EVENT_PAGE, before: nextEvent ?? undefined }),
  ]);
  const events = api.normEventPage(eventsRaw);
  if (page.olderCursor === null || !page.events.length) page.olderCursor = events.before;
  document.getElementById('events-older').disabled = page.olderCursor === null;
  const state = api.normState(stateRaw);
  // The history is on the controller's clock (simulated time on sim): the last hours of it.
  const since = state.utc ? Math.floor(state.utc.getTime() / 1000) - HISTORY_HOURS * 3600 : undefined;
  const history = await api.getJSON(api.paths.history, { since });
  for (const [module, points] of api.normHistory(history)) page.charts.backfill(module, points);
  addEvents(events.events);
  applyState(state);
  document.body.dataset.backfilled = String(
    [...page.charts.series.keys()].reduce((n, id) => n + page.charts.pointCount(id), 0));
}

async function olderEvents() {
  if (page.olderCursor === null) return;
  const older = api.normEventPage(await api.getJSON(api.paths.events, { limit: EVENT_PAGE, before: page.olderCursor }));
  page.olderCursor = older.before;
  addEvents(older.events);
  document.getElementById('events-older').disabled = page.olderCursor === null;
}

/** Sends a command and shows its answer (HTTP status, result, the arbiter's code and reason). */
async function sendAndShow(command, args = {}, where = document.getElementById('action-response')) {
  where.textContent = `${command}: sending...`;
  where.removeAttribute('data-ok');
  try {
    const answer = await api.sendCommand(command, args);
    where.dataset.ok = String(answer.ok);
    where.textContent = `${command}: ${api.describeResponse(answer.httpStatus, answer.body)}`;
    return answer;
  } catch (err) {
    where.dataset.ok = 'false';
    where.textContent = `${command}: not sent (${err.message})`;
    return { ok: false };
  }
}

async function acknowledge(module, where) {
  const answer = await sendAndShow('alarm_acknowledge', { module }, where);
  if (answer.ok) {
    page.acknowledged.set(module, page.alarmEvents.get(module) ?? null);
    if (page.state) renderDerived(page.state);
  }
}

function wireActions() {
  document.getElementById('stop-drones').addEventListener('click', () => sendAndShow('stop_all_drones'));
  document.getElementById('end-lease').addEventListener('click', () => sendAndShow('lease_end'));
  const isoResponse = document.getElementById('isolation-response');
  document.getElementById('isolation-approve').addEventListener('click', () => sendAndShow('isolation_approve', {}, isoResponse));
  document.getElementById('isolation-abort').addEventListener('click', () => sendAndShow('isolation_abort', {}, isoResponse));
  document.getElementById('events-older').addEventListener('click', () => olderEvents().catch(showError));
}

function setConnection(state, detail) {
  const c = document.getElementById('conn');
  c.dataset.state = state;
  c.textContent = state === 'backoff' ? `offline, ${detail}` : state;
}

function showError(err) {
  const c = document.getElementById('conn');
  c.dataset.state = 'error';
  c.textContent = `error: ${err.message}`;
}

async function loadStation() {
  try {
    return api.normStation(await api.getJSON(api.paths.station));
  } catch {
    // No station document: the graph from the state's hatches, modules on a circle.
    return api.stationFromState(api.normState(await api.getJSON(api.paths.state)));
  }
}

async function start() {
  api.crewSecret();
  wireActions();
  const station = await loadStation();
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
  let backfilled = null; // the backfill of the current connection
  const live = new api.LiveConnection({
    onStatus: setConnection,
    onMessage: (raw) => {
      const msg = api.normLive(raw);
      if (msg.kind === 'hello') {
        // Every (re)connection: what happened before it, then the stream from here on.
        backfilled = backfill(msg.body.next_event).catch(showError);
      } else if (msg.kind === 'event') {
        addEvents([msg.body]);
      } else if (msg.kind === 'state' && backfilled) {
        backfilled.then(() => applyState(msg.body));
      }
    },
  });
  live.start();
}

start().catch(showError);
