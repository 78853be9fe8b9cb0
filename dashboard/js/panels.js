// The page's panels, each redrawn from plain values (no framework). Text is set with
// textContent only: nothing the server sends is parsed as HTML.

function td(text, cls) {
  const c = document.createElement('td');
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}
const fmt = (v, digits) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));

export function renderModules(tbody, rows) {
  tbody.replaceChildren(...rows.map((m) => {
    const tr = document.createElement('tr');
    tr.dataset.module = m.id;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = m.id;
    const st = document.createElement('td');
    const label = document.createElement('span');
    label.className = 'state-label';
    label.dataset.state = m.state;
    label.textContent = m.state;
    st.append(label);
    const p = td(fmt(m.pressurePa, 0), 'num');
    p.dataset.field = 'pressure';
    tr.append(th, st, p, td(fmt(m.temperatureC, 2), 'num'), td(fmt(m.ratePctPerH, 3), 'num'));
    return tr;
  }));
}

export function renderDrones(list, drones) {
  list.replaceChildren(...drones.map((d) => {
    const li = document.createElement('li');
    li.dataset.drone = d.id;
    li.dataset.state = d.state;
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = `drone ${d.id}`;
    const state = document.createElement('div');
    state.textContent = 'state: ';
    const s = document.createElement('strong');
    s.dataset.field = 'state';
    s.textContent = d.state + (d.fault ? ' (FAULT)' : '');
    state.append(s);
    const where = document.createElement('div');
    const place = d.docked ? `docked in ${d.module ?? '?'}` : `in ${d.module ?? '?'}`;
    where.textContent = `${place}${d.target ? `, ${d.scanning ? 'scanning' : 'to'} ${d.target}` : ''}`;
    li.append(title, state, where);
    if (d.batteryWh !== null) {
      const b = document.createElement('div');
      b.textContent = `battery ${d.batteryWh.toFixed(1)} Wh${d.batteryPct !== null ? ` (${d.batteryPct.toFixed(0)} %)` : ''}`;
      li.append(b);
      if (d.batteryPct !== null) {
        const bar = document.createElement('span');
        bar.className = 'battery';
        bar.setAttribute('role', 'meter');
        bar.setAttribute('aria-valuemin', '0');
        bar.setAttribute('aria-valuemax', '100');
        bar.setAttribute('aria-valuenow', d.batteryPct.toFixed(0));
        bar.setAttribute('aria-label', `drone ${d.id} battery`);
        const fill = document.createElement('span');
        fill.style.width = `${Math.max(0, Math.min(100, d.batteryPct))}%`;
        bar.append(fill);
        li.append(bar);
      }
    }
    return li;
  }));
}

const PLAN_PAST_S = 2 * 3600;
const PLAN_AHEAD_S = 1800;

/**
 * The plan as a timeline, one row per drone over [now - 2 h, now + 30 min] (controller
 * time): the scans it flew (from scan_started / scan_done events), the scan it is on,
 * and the target it holds now. The API gives the scheduler's current claims, not planned
 * start and end times, so nothing right of "now" has a length.
 */
export function renderPlan(container, state, events, droneIds) {
  if (state.timeS === null) { container.textContent = 'no plan yet'; return; }
  const now = state.timeS, from = now - PLAN_PAST_S, span = PLAN_PAST_S + PLAN_AHEAD_S;
  const x = (t) => `${((100 * (Math.min(Math.max(t, from), now + PLAN_AHEAD_S) - from)) / span).toFixed(2)}%`;
  // Scans per drone, oldest first, from the events (newest first in `events`).
  const scans = new Map(droneIds.map((id) => [id, []]));
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (!e.drone || !scans.has(e.drone)) continue;
    const list = scans.get(e.drone);
    if (e.event === 'scan_started') list.push({ target: e.target ?? '?', start: e.time_s, end: null });
    else if (e.event === 'scan_done') {
      const open = [...list].reverse().find((x2) => x2.end === null && (x2.target === e.target || !e.target));
      if (open) open.end = e.time_s;
      else list.push({ target: e.target ?? '?', start: e.time_s, end: e.time_s });
    }
  }
  const claims = new Map();
  for (const p of state.plan) if (p.drone) claims.set(p.drone, [...(claims.get(p.drone) ?? []), p.target]);
  // The planner's times are UTC; the track counts seconds since the run's start.
  const atS = (date) => (date && state.utc ? now + (date.getTime() - state.utc.getTime()) / 1000 : null);
  const missions = new Map(state.drones.map((d) => [d.id, d]));
  const rows = droneIds.map((id) => {
    const row = document.createElement('div');
    row.className = 'row';
    row.dataset.drone = id;
    const name = document.createElement('div');
    name.textContent = id;
    const track = document.createElement('div');
    track.className = 'track';
    for (const scan of scans.get(id)) {
      const end = scan.end ?? now;
      if (end < from) continue;
      const slot = document.createElement('div');
      slot.className = 'slot';
      slot.style.left = x(scan.start);
      slot.style.width = `max(3px, calc(${x(end)} - ${x(scan.start)}))`;
      slot.textContent = scan.target;
      slot.title = `${scan.target}: scan ${scan.end === null ? 'in progress' : 'done'}`;
      track.append(slot);
    }
    const mission = missions.get(id);
    const start = atS(mission?.plannedStart), end = atS(mission?.plannedEnd);
    if (start !== null && end !== null && end >= from) {
      const planned = document.createElement('div');
      planned.className = 'slot planned';
      planned.style.left = x(start);
      planned.style.width = `max(3px, calc(${x(end)} - ${x(start)}))`;
      planned.textContent = mission.target ?? '';
      const arrive = atS(mission.plannedArrival);
      planned.title = `${mission.target ?? 'mission'}: planned ${mission.plannedStart.toISOString().slice(11, 19)}`
        + `${arrive !== null ? `, arrives ${mission.plannedArrival.toISOString().slice(11, 19)}` : ''}`
        + `, scan ends ${mission.plannedEnd.toISOString().slice(11, 19)} UTC`;
      track.append(planned);
    }
    const nowMark = document.createElement('div');
    nowMark.className = 'now';
    nowMark.style.left = x(now);
    nowMark.title = 'now';
    track.append(nowMark);
    const claim = document.createElement('div');
    claim.className = 'claim';
    claim.style.left = `calc(${x(now)} + 4px)`;
    claim.textContent = claims.has(id) ? `holds ${claims.get(id).join(', ')}` : 'no target';
    track.append(claim);
    row.append(name, track);
    return row;
  });
  const axis = document.createElement('div');
  axis.className = 'axis';
  for (const label of ['-2 h', '-1 h 30', '-1 h', '-30 min', 'now', '+30 min']) {
    const s2 = document.createElement('span');
    s2.textContent = label;
    axis.append(s2);
  }
  container.replaceChildren(...rows, axis);
}

/**
 * The control token's holder and the ground lease's countdown: the seconds left as of the
 * newest state (controller seconds: simulated ones on sim), redrawn with each state.
 */
export function renderControl(control) {
  document.getElementById('token-holder').textContent = control.holder;
  const p = document.getElementById('lease');
  if (control.leaseRemainingS === null) {
    p.textContent = 'no ground lease';
    p.dataset.active = 'false';
    return;
  }
  const left = Math.max(0, control.leaseRemainingS);
  const m = Math.floor(left / 60), s = Math.floor(left % 60);
  p.dataset.active = 'true';
  p.textContent = `ground lease ends in ${m} min ${String(s).padStart(2, '0')} s`;
}

/**
 * The alarm summary and one card per active alarm ({module, event, ratePctPerH, since,
 * acknowledgedBy, acknowledgedUtc}) with its Acknowledge button (disabled once the
 * controller says the alarm is acknowledged); the isolation panel while an alarm stands
 * or the isolation procedure has news ({state, hatches, module, steps} from its events).
 */
export function renderAlarms(active, isolation, acknowledge) {
  const list = document.getElementById('alarms');
  const summary = document.getElementById('alarm-summary');
  summary.dataset.active = String(active.length > 0);
  summary.textContent = active.length
    ? `${active.length} active alarm${active.length > 1 ? 's' : ''}: ${active.map((a) => `${a.event.replace('_', ' ')} in ${a.module}`).join(', ')}`
    : 'no active alarm';
  const keep = new Set(active.map((a) => a.module));
  for (const li of [...list.children]) if (!keep.has(li.dataset.module)) li.remove();
  for (const a of active) {
    let li = [...list.children].find((x) => x.dataset.module === a.module);
    if (!li) {
      li = document.createElement('li');
      li.className = 'alarm';
      li.dataset.module = a.module;
      const title = document.createElement('div');
      title.className = 'title';
      const detail = document.createElement('div');
      const ack = document.createElement('button');
      ack.type = 'button';
      ack.textContent = 'Acknowledge';
      const response = document.createElement('div');
      response.className = 'response';
      response.setAttribute('role', 'status');
      ack.addEventListener('click', () => acknowledge(a.module, response));
      li.append(title, detail, ack, response);
      list.append(li);
    }
    const [title, detail, ack] = li.children;
    li.dataset.acknowledged = String(Boolean(a.acknowledgedBy));
    title.textContent = `${a.event.replace('_', ' ')}: ${a.module}`;
    const parts = [];
    if (a.ratePctPerH !== null) parts.push(`${Number(a.ratePctPerH).toFixed(3)} %/h`);
    if (a.since) parts.push(`since ${a.since.replace('T', ' ').slice(0, 19)} UTC`);
    if (a.acknowledgedBy) {
      const at = a.acknowledgedUtc ? ` at ${a.acknowledgedUtc.toISOString().slice(11, 19)} UTC` : '';
      parts.push(`acknowledged by ${a.acknowledgedBy.replace('_', ' ')}${at}`);
    }
    detail.textContent = parts.join(', ');
    ack.disabled = Boolean(a.acknowledgedBy);
  }
  const iso = document.getElementById('isolation');
  iso.hidden = !(isolation || active.length);
  iso.dataset.state = isolation?.state ?? 'none';
  let text = 'No isolation proposed yet. On a leak alarm the controller proposes one: approve it to let the controller close hatches, abort to stop it.';
  if (isolation?.state === 'proposed') text = `Proposed: close ${isolation.hatches.join(', ') || 'hatches'} first.`;
  if (isolation?.state === 'running') text = `Running: ${isolation.steps} step${isolation.steps === 1 ? '' : 's'} so far.`;
  if (isolation?.state === 'located') text = `Located: the leak is in ${isolation.module}.`;
  document.getElementById('isolation-text').textContent = text;
}

function subject(e) {
  return e.module ?? e.hatch ?? e.drone ?? e.sensor ?? e.target ?? e.output ?? e.group ?? e.component ?? '';
}

function detail(e) {
  const parts = [];
  if (e.rate_pct_per_h !== undefined) parts.push(`${Number(e.rate_pct_per_h).toFixed(3)} %/h`);
  if (e.value !== undefined && e.unit) parts.push(`${typeof e.value === 'number' ? Number(e.value.toFixed(3)) : e.value} ${e.unit}`);
  else if (e.value !== undefined && e.event !== 'command_accepted' && e.event !== 'command_rejected') parts.push(String(e.value));
  if (e.principal) parts.push(`by ${e.principal}`);
  if (e.command) parts.push(e.command);
  if (e.rejection) parts.push(`rejected: ${e.rejection}`);
  if (e.reason) parts.push(e.reason);
  return parts.join(', ');
}

const timeOf = (e) => (e.utc ? e.utc.slice(11, 23) : `${e.time_s} s`);

/** The event log, newest first: at most 200 rows of those whose name or subject contains `filter`. */
export function renderEvents(tbody, events, filter = '') {
  const rows = [];
  for (const e of events) {
    if (filter && !e.event.includes(filter) && !String(subject(e)).includes(filter)) continue;
    const tr = document.createElement('tr');
    tr.className = `sev-${e.severity}`;
    tr.dataset.event = e.event;
    tr.dataset.utc = e.utc ?? '';
    tr.dataset.value = e.value ?? '';
    tr.append(td(timeOf(e)), td(e.severity), td(e.event), td(subject(e)), td(detail(e)));
    rows.push(tr);
    if (rows.length === 200) break;
  }
  tbody.replaceChildren(...rows);
}

/** The command history, newest first; `principal`: '' for all, '!autonomy', or one principal. */
export function renderCommands(tbody, commands, principal = '') {
  const keep = principal === '' ? () => true
    : principal.startsWith('!') ? (e) => e.principal !== principal.slice(1) : (e) => e.principal === principal;
  const rows = [];
  for (const e of commands) {
    if (!keep(e)) continue;
    const tr = document.createElement('tr');
    tr.dataset.command = e.command ?? '';
    tr.dataset.principal = e.principal ?? '';
    const response = e.event === 'command_accepted' ? 'ok' : `${e.rejection ?? 'rejected'}${e.reason ? `: ${e.reason}` : ''}`;
    tr.dataset.response = response;
    tr.dataset.utc = e.utc ?? '';
    tr.append(td(timeOf(e)), td(e.principal ?? ''), td(e.command ?? ''), td(e.hatch ?? e.drone ?? e.output ?? e.module ?? ''), td(response));
    if (e.event === 'command_rejected') tr.className = 'sev-warning';
    rows.push(tr);
    if (rows.length === 200) break;
  }
  tbody.replaceChildren(...rows);
}
