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
