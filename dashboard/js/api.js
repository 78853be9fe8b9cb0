// The one place that knows the operator API's paths (docs/api/openapi.yaml). Every other
// module of the page works on the values these functions return.

export const paths = {
  station: '/api/v1/station',
  state: '/api/v1/state',
  events: '/api/v1/events',
  history: '/api/v1/history',
  crewCommands: '/api/v1/commands/crew',
  live: '/api/v1/live',
};

/**
 * The crew credential: `cloak run` prints the dashboard address with it in the fragment
 * (`#crew=SECRET`, never sent to a server). The page keeps it in this tab's session
 * storage (so a reload keeps it) and takes it out of the address bar.
 */
export function crewSecret() {
  const match = /(?:^#|&)crew=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem('cloak.crew', decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('cloak.crew');
}

/** GET a JSON document; throws an Error naming the path and the HTTP status (also in `status`). */
export async function getJSON(path, query = {}) {
  const url = new URL(path, location.href);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    const err = new Error(`GET ${url.pathname}${url.search}: HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

let nextRequestID = Math.floor(Date.now() % 1e9);

/**
 * Sends one crew command through the API's command path (the arbiter, the authority
 * rules and the audit log) as the crew console, with the crew credential. Resolves to
 * { ok, httpStatus, body } whatever the answer (`{"request_id":N,"result":"ok"}` or
 * `"result":"error"` with `error` and `reason`), so the page shows a refusal as it came;
 * rejects only when the server cannot be reached.
 */
export async function sendCommand(command, args = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const secret = crewSecret();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  const requestID = nextRequestID++;
  const res = await fetch(new URL(paths.crewCommands, location.href), {
    method: 'POST', headers, body: JSON.stringify({ request_id: requestID, command, ...args }),
  });
  let body;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : {}; } catch { body = { reason: text }; }
  return { ok: res.ok && body.result === 'ok', httpStatus: res.status, body };
}

/** Words for a command's answer: HTTP status, result, the arbiter's code and reason. */
export function describeResponse(httpStatus, body) {
  const parts = [`HTTP ${httpStatus}`, body.result ?? 'no result'];
  if (body.error) parts.push(String(body.error));
  if (body.reason) parts.push(String(body.reason));
  if (body.request_id !== undefined && body.request_id !== null) parts.push(`request ${body.request_id}`);
  return parts.join(', ');
}

/**
 * The live WebSocket with reconnection: after a close (code 1001 when the controller
 * stops, said in the status) it waits 0.5 s, doubling up to
 * 10 s (with up to 25 % jitter) and resets to 0.5 s once a connection has delivered a
 * message. `onOpen` runs on every (re)connection, before its first message, so the page
 * can backfill what it missed.
 */
export class LiveConnection {
  constructor({ onMessage, onStatus, onOpen }) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onOpen = onOpen;
    this.delay = 500;
    this.stopped = false;
    this.socket = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  }

  connect() {
    const url = new URL(paths.live, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.onStatus('connecting', url.href);
    const socket = new WebSocket(url);
    this.socket = socket;
    let delivered = false;
    socket.onopen = () => {
      this.onStatus('live');
      if (this.onOpen) this.onOpen();
    };
    socket.onmessage = (msg) => {
      if (!delivered) { delivered = true; this.delay = 500; }
      let data;
      try { data = JSON.parse(msg.data); } catch { console.warn('live: not JSON:', msg.data); return; }
      this.onMessage(data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      const wait = Math.round(this.delay * (1 + Math.random() * 0.25));
      this.delay = Math.min(this.delay * 2, 10000);
      // 1001 (going away) is the controller's own stop; anything else a lost connection.
      const why = event.code === 1001 ? 'controller stopped, ' : '';
      this.onStatus('backoff', `${why}reconnecting in ${(wait / 1000).toFixed(1)} s`);
      this.timer = setTimeout(() => this.connect(), wait);
    };
    // An error is always followed by a close, which schedules the retry.
    socket.onerror = () => {};
  }
}

// ---- Bodies: the API's field names are read here and nowhere else. ----

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The station description: {name, modules: [{id, position_m, return_vehicle}], hatches: [{id, between}], drones: [{id, dock}], crewModules}. */
export function normStation(raw) {
  return {
    name: raw.name ?? '',
    modules: (raw.modules ?? []).map((m) => ({
      id: m.id, position_m: m.position_m ?? null, return_vehicle: Boolean(m.return_vehicle),
      volume_m3: num(m.volume_m3),
    })),
    hatches: (raw.hatches ?? []).map((h) => ({ id: h.id, between: h.between })),
    drones: (raw.drones ?? []).map((d) => ({ id: d.id, dock: d.dock ?? null, batteryWh: num(d.battery_wh) })),
    crewModules: raw.crew?.modules ?? raw.crew_modules ?? [],
    thresholdPctPerH: num(raw.alarm_threshold_pct_per_h) ?? 0.3,
  };
}

/**
 * One snapshot (GET state, or the WebSocket's state message). Absent numbers are null.
 * A module's `alarm` is null or the leak watch's tier that needs the crew (alarm,
 * rapid_depress, low_pressure); `trend` is kept apart (below the alarm threshold).
 * `acknowledgedBy` / `acknowledgedUtc`: the crew's acknowledgement of the current alarm
 * as the controller keeps it (null: not acknowledged).
 */
export function normState(raw) {
  return {
    sequence: num(raw.sequence),
    station: raw.station ?? null,
    timeS: num(raw.time_s),
    utc: raw.utc ? new Date(raw.utc) : null,
    safeMode: raw.safe_mode ? String(raw.safe_mode) : null,
    healthy: raw.healthy ?? null,
    slips: num(raw.slips),
    modules: (raw.modules ?? []).map((m) => {
      const tier = typeof m.alarm === 'string' ? m.alarm : m.alarm ? 'alarm' : 'none';
      return {
        id: m.id,
        pressurePa: num(m.pressure_pa),
        temperatureC: num(m.temperature_c),
        ratePctPerH: num(m.loss_rate_pct_per_h),
        alarm: tier === 'alarm' ? 'leak_alarm' : tier === 'rapid_depress' ? tier : m.low_pressure ? 'low_pressure' : null,
        trend: tier === 'trend',
        blind: m.fresh_sensors === 0 || (m.pressure_pa === null && m.fresh_sensors !== undefined) || Boolean(m.blind),
        thresholdPctPerH: num(m.alarm_threshold_pct_per_h),
        acknowledgedBy: typeof m.acknowledged_by === 'string' ? m.acknowledged_by : null,
        acknowledgedUtc: m.acknowledged_utc ? new Date(m.acknowledged_utc) : null,
      };
    }),
    hatches: (raw.hatches ?? []).map((h) => ({
      id: h.id, between: h.between ?? null, position: h.position ?? 'unknown', fault: Boolean(h.fault),
    })),
    drones: (raw.drones ?? []).map((d) => ({
      id: d.id, state: d.state ?? 'unknown', batteryWh: num(d.battery_wh), module: d.module ?? null,
      target: d.target ?? null, scanning: Boolean(d.scanning), docked: Boolean(d.docked), fault: Boolean(d.fault),
      // The planner's times for the current mission (null without one).
      plannedStart: d.planned_start_utc ? new Date(d.planned_start_utc) : null,
      plannedArrival: d.planned_arrival_utc ? new Date(d.planned_arrival_utc) : null,
      plannedEnd: d.planned_end_utc ? new Date(d.planned_end_utc) : null,
    })),
    // What the scheduler holds now: each target's claiming drone and last scan.
    plan: (raw.plan ?? []).map((a) => ({
      target: a.target, module: a.module ?? null, drone: a.drone ?? null,
      lastScan: a.last_scan_utc ? new Date(a.last_scan_utc) : null,
    })),
    control: {
      holder: raw.control?.holder ?? 'unknown',
      leaseRemainingS: num(raw.control?.lease_remaining_s),
    },
    isolation: raw.isolation ?? null,
  };
}

/** An event record with its journal sequence number (`sequence`). */
export function normEvent(item) {
  return { ...(item.record ?? item), sequence: item.seq ?? item.sequence };
}

/**
 * One page of GET events: { events (oldest first), before } where `before` is the
 * cursor for the page older than this one, null when the journal keeps nothing older.
 */
export function normEventPage(raw) {
  const events = (raw.events ?? []).map(normEvent);
  const first = events.length ? events[0].sequence : null;
  return { events, before: first !== null && first > (raw.oldest ?? 1) ? first : null };
}

/** GET history: Map module -> [{t: Date, p: Pa, r: %/h}] (columns of UTC seconds and values). */
export function normHistory(raw) {
  const out = new Map();
  for (const [module, s] of Object.entries(raw.series ?? {})) {
    const t = s.t ?? [];
    out.set(module, t.map((seconds, i) => ({
      t: new Date(seconds * 1000), p: num(s.pressure_pa?.[i]), r: num(s.loss_rate_pct_per_h?.[i]),
    })));
  }
  return out;
}

/**
 * A live message: {kind: 'events'|'state'|'hello'|'other', body}; `events` carries a list
 * (the server sends new events in one message per 100 ms; a single `event` is taken too).
 */
export function normLive(raw) {
  if (raw.type === 'state') return { kind: 'state', body: normState(raw.state) };
  if (raw.type === 'events') return { kind: 'events', body: (raw.events ?? []).map(normEvent) };
  if (raw.type === 'event') return { kind: 'events', body: [normEvent(raw)] };
  if (raw.type === 'hello') return { kind: 'hello', body: raw };
  return { kind: 'other', body: raw };
}
