// The dashboard: on every (re)connection of the live WebSocket it backfills (state,
// events, history) and then applies the live stream; crew actions go through the API's
// command path, each answer shown as it came. Messages are only queued as they arrive;
// the page redraws at most four times a second, so an event flood (thousands a second)
// costs a list append each, never a redraw each.
import * as api from './api.js';
import { StationMap } from './map.js';
import { ModuleCharts } from './charts.js';
import * as panels from './panels.js';
import { EventLog, isCommand, isNotable, moduleState, summariseEvents } from './model.js';

const EVENT_PAGE = 200; // events fetched per page
const HISTORY_HOURS = 6;
const REDRAW_MS = 250;

const page = {
  station: null,
  map: null,
  charts: null,
  state: null, // the newest state applied
  pendingState: null, // the newest state not yet drawn
  events: new EventLog(2000), // every event (the log)
  notable: new EventLog(2000), // alarms, blind/watched, isolation, scans: never pushed out by a flood
  commands: new EventLog(2000), // command_accepted / command_rejected
  olderCursor: null,
  ready: false, // the first backfill is drawn
  redrawTimer: null,
};
window.cloakDashboard = page; // for a look from the browser's console

function addEvents(list) {
  for (const e of list) {
    page.events.add(e);
    if (isNotable(e)) page.notable.add(e);
    if (isCommand(e)) page.commands.add(e);
  }
  scheduleRedraw();
}

function scheduleRedraw() {
  if (page.redrawTimer !== null || !page.ready) return;
  page.redrawTimer = setTimeout(redraw, REDRAW_MS);
}

function redraw() {
  page.redrawTimer = null;
  if (page.pendingState) {
    applyState(page.pendingState);
    page.pendingState = null;
  }
  if (page.events.takeDirty()) renderEvents();
  if (page.commands.takeDirty()) renderCommands();
  if (page.notable.takeDirty() && page.state) renderDerived(page.state);
}

function renderEvents() {
  const filter = document.getElementById('events-filter').value.trim();
  panels.renderEvents(document.querySelector('#events tbody'), page.events.items, filter);
}

function renderCommands() {
  const filter = document.getElementById('commands-principal').value;
  panels.renderCommands(document.querySelector('#commands tbody'), page.commands.items, filter);
}

/** Everything drawn from the state and the notable events together. */
function renderDerived(s) {
  const derived = summariseEvents(page.notable.items);
  const hatchPositions = new Map(s.hatches.map((h) => [h.id, h.position]));
  const rows = s.modules.map((m) => {
    const state = moduleState(m, derived.blind, page.station.hatches, hatchPositions);
    page.map.setModule(m.id, state, m.pressurePa);
    page.charts.setState(m.id, state);
    return { ...m, state };
  });
  panels.renderModules(document.querySelector('#modules tbody'), rows);
  // Active alarms are the server's (the state); the events add since when and how fast.
  const active = s.modules.filter((m) => m.alarm).map((m) => {
    const e = derived.alarms.get(m.id);
    return {
      module: m.id, event: m.alarm, ratePctPerH: m.ratePctPerH ?? e?.rate_pct_per_h ?? null, since: e?.utc ?? null,
      acknowledgedBy: m.acknowledgedBy, acknowledgedUtc: m.acknowledgedUtc,
    };
  });
  panels.renderAlarms(active, derived.isolation, acknowledge);
  panels.renderPlan(document.getElementById('plan'), s, page.notable.items, page.station.drones.map((d) => d.id));
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
    // 503: the controller has published no state yet (just started); the stream brings it.
    api.getJSON(api.paths.state).catch((err) => { if (err.status === 503) return null; throw err; }),
    api.getJSON(api.paths.events, { limit: EVENT_PAGE, before: nextEvent ?? undefined }),
  ]);
  const events = api.normEventPage(eventsRaw);
  if (page.olderCursor === null || !page.events.items.length) page.olderCursor = events.before;
  document.getElementById('events-older').disabled = page.olderCursor === null;
  const state = stateRaw ? api.normState(stateRaw) : null;
  // The history is on the controller's clock (simulated time on sim): the last hours of it.
  const since = state?.utc ? Math.floor(state.utc.getTime() / 1000) - HISTORY_HOURS * 3600 : undefined;
  const history = await api.getJSON(api.paths.history, { since });
  for (const [module, points] of api.normHistory(history)) page.charts.backfill(module, points);
  addEvents(events.events);
  if (state && !(page.pendingState && page.pendingState.sequence > state.sequence)) page.pendingState = state;
  page.ready = true;
  redraw();
  document.body.dataset.backfilled = String(
    [...page.charts.series.keys()].reduce((n, id) => n + page.charts.pointCount(id), 0));
}

async function olderEvents() {
  if (page.olderCursor === null) return;
  page.events.capacity += EVENT_PAGE; // the older page stays even while a flood arrives
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

/** The acknowledgement is the controller's: the card shows it from the next state. */
async function acknowledge(module, where) {
  await sendAndShow('alarm_acknowledge', { module }, where);
}

function wireActions() {
  document.getElementById('stop-drones').addEventListener('click', () => sendAndShow('stop_all_drones'));
  document.getElementById('end-lease').addEventListener('click', () => sendAndShow('lease_end'));
  const isoResponse = document.getElementById('isolation-response');
  document.getElementById('isolation-approve').addEventListener('click', () => sendAndShow('isolation_approve', {}, isoResponse));
  document.getElementById('isolation-abort').addEventListener('click', () => sendAndShow('isolation_abort', {}, isoResponse));
  document.getElementById('events-older').addEventListener('click', () => olderEvents().catch(showError));
  document.getElementById('commands-principal').addEventListener('change', renderCommands);
  document.getElementById('events-filter').addEventListener('input', renderEvents);
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
    // No station document: the graph from the state's hatches, modules on a circle (the
    // state may not exist yet on a controller that just started: ask again).
    for (;;) {
      try {
        return api.stationFromState(api.normState(await api.getJSON(api.paths.state)));
      } catch (err) {
        if (err.status !== 503) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
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
  const live = new api.LiveConnection({
    onStatus: setConnection,
    onMessage: (raw) => {
      const msg = api.normLive(raw);
      if (msg.kind === 'hello') {
        // Every (re)connection: what happened before it, then the stream from here on.
        backfill(msg.body.next_event).catch(showError);
      } else if (msg.kind === 'events') {
        addEvents(msg.body);
      } else if (msg.kind === 'state') {
        page.pendingState = msg.body;
        scheduleRedraw();
      }
    },
  });
  live.start();
}

start().catch(showError);
