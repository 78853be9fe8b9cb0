// What the page concludes from the API's values: pure functions (no DOM), tested with
// `node --test` (Tests/dashboard/).

/**
 * What the events say beyond a snapshot, read oldest first: the modules made blind and
 * not yet watched again, each module's newest alarm event, and the leak isolation's
 * progress ({state: proposed|running|located, hatches, module, steps}, or null).
 * `events` is newest first, as the page keeps them.
 */
export function summariseEvents(events) {
  const blind = new Set();
  const alarms = new Map();
  let isolation = null;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    switch (e.event) {
      case 'module_blind': blind.add(e.module); break;
      case 'module_watched': blind.delete(e.module); break;
      case 'leak_alarm': case 'rapid_depress': case 'low_pressure': alarms.set(e.module, e); break;
      case 'isolation_proposed':
        if (!isolation || isolation.state !== 'proposed') isolation = { state: 'proposed', hatches: [], module: null, steps: 0 };
        if (e.hatch) isolation.hatches.push(e.hatch);
        break;
      case 'isolation_step':
        isolation = { ...(isolation ?? { hatches: [], module: null, steps: 0 }), state: 'running' };
        isolation.steps += 1;
        break;
      case 'leak_located':
        isolation = { ...(isolation ?? { hatches: [], steps: 0 }), state: 'located', module: e.module };
        break;
      default: break;
    }
  }
  return { blind, alarms, isolation };
}

/**
 * A module's one state on the map (decision 1412), by precedence: `alarm` (the server's
 * leak tier or low pressure), `blind` (no fresh reading, or blind by the events),
 * `isolated` (every hatch of the module known and not open), else `normal`.
 * `hatches`: the station's [{id, between}]; `positions`: Map hatch id -> position.
 */
export function moduleState(module, blind, hatches, positions) {
  if (module.alarm) return 'alarm';
  if (module.blind || blind.has(module.id)) return 'blind';
  const own = hatches.filter((h) => h.between.includes(module.id));
  if (own.length && own.every((h) => positions.has(h.id) && positions.get(h.id) !== 'open')) return 'isolated';
  return 'normal';
}

const NOTABLE = new Set([
  'module_blind', 'module_watched', 'leak_alarm', 'leak_cleared', 'rapid_depress', 'low_pressure',
  'low_pressure_cleared',
  'isolation_proposed', 'isolation_step', 'leak_located', 'scan_started', 'scan_done',
]);

/** Events the page's conclusions read (alarms, blindness, the isolation, scans). */
export function isNotable(e) {
  return NOTABLE.has(e.event);
}

/** The arbiter's answers: the command history. */
export function isCommand(e) {
  return e.event === 'command_accepted' || e.event === 'command_rejected';
}

/**
 * A bounded list of events, newest first by journal sequence, each kept once (the
 * backfill and the live stream overlap). Adding only appends; the order and the bound
 * are restored when the list is read after a change.
 */
export class EventLog {
  constructor(capacity) {
    this.capacity = capacity;
    this.list = [];
    this.keys = new Set();
    this.sorted = true;
    this.dirty = false;
  }

  static key(e) {
    return e.sequence ?? `${e.time_s}|${e.event}|${e.module ?? e.drone ?? e.hatch ?? ''}`;
  }

  /** Adds one event; false when it was already there. */
  add(e) {
    const key = EventLog.key(e);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.list.push(e);
    this.sorted = false;
    this.dirty = true;
    return true;
  }

  /** Newest first, at most `capacity`. */
  get items() {
    if (!this.sorted) {
      this.list.sort((a, b) => (b.sequence ?? 0) - (a.sequence ?? 0));
      for (const old of this.list.splice(this.capacity)) this.keys.delete(EventLog.key(old));
      this.sorted = true;
    }
    return this.list;
  }

  /** Whether the list changed since the last call. */
  takeDirty() {
    const d = this.dirty;
    this.dirty = false;
    return d;
  }
}
