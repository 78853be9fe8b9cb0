// The one place that knows the operator API's paths (docs/api/openapi.yaml). Every other
// module of the page works on the values these functions return.

export const paths = {
  station: '/api/v1/station',
  state: '/api/v1/state',
  events: '/api/v1/events',
  history: '/api/v1/history',
  commands: '/api/v1/commands',
  live: '/api/v1/live',
};

/** GET a JSON document; throws an Error naming the path and the HTTP status. */
export async function getJSON(path, query = {}) {
  const url = new URL(path, location.href);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url.pathname}${url.search}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Sends one crew command through the API's command path (the arbiter, the authority
 * rules and the audit log). Resolves to { httpStatus, body } whatever the answer, so the
 * page can show a refusal as it came; rejects only when the server cannot be reached.
 */
export async function sendCommand(command, args = {}) {
  const res = await fetch(new URL(paths.commands, location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ command, ...args }),
  });
  let body;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : {}; } catch { body = { raw: text }; }
  return { httpStatus: res.status, body };
}

/**
 * The live WebSocket with reconnection: after a close it waits 0.5 s, doubling up to
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
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      const wait = Math.round(this.delay * (1 + Math.random() * 0.25));
      this.delay = Math.min(this.delay * 2, 10000);
      this.onStatus('backoff', `reconnecting in ${(wait / 1000).toFixed(1)} s`);
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
    thresholdPctPerH: num(raw.leak_alarm_threshold_pct_per_h) ?? 0.3,
  };
}

/**
 * One snapshot (GET state, or the WebSocket's state message). Absent numbers are null.
 * A module's `alarm` is null or the leak watch's tier that needs the crew (alarm,
 * rapid_depress, low_pressure); `trend` is kept apart (below the alarm threshold).
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
        alarm: tier === 'alarm' || tier === 'rapid_depress' ? tier : m.low_pressure ? 'low_pressure' : null,
        trend: tier === 'trend',
        blind: m.fresh_sensors === 0 || (m.pressure_pa === null && m.fresh_sensors !== undefined) || Boolean(m.blind),
        thresholdPctPerH: num(m.alarm_threshold_pct_per_h),
      };
    }),
    hatches: (raw.hatches ?? []).map((h) => ({
      id: h.id, between: h.between ?? null, position: h.position ?? 'unknown', fault: Boolean(h.fault),
    })),
    drones: (raw.drones ?? []).map((d) => ({
      id: d.id, state: d.state ?? 'unknown', batteryWh: num(d.battery_wh), module: d.module ?? null,
      target: d.target ?? null, scanning: Boolean(d.scanning), docked: Boolean(d.docked), fault: Boolean(d.fault),
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

/** One history point: {t: Date, p: Pa, r: %/h}. */
export function normHistoryPoint(raw) {
  return { t: new Date(raw.utc), p: num(raw.pressure_pa), r: num(raw.loss_rate_pct_per_h ?? raw.rate_pct_per_h) };
}

/** A live message: {kind: 'event'|'snapshot'|'other', body}. */
export function normLive(raw) {
  if (raw.type === 'snapshot') return { kind: 'snapshot', body: normState(raw.state ?? raw) };
  if (raw.type === 'event') return { kind: 'event', body: raw.event ?? raw };
  return { kind: 'other', body: raw };
}
