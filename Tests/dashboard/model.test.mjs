// The dashboard's pure functions (dashboard/js/model.js, api.js normalisers), run by
// scripts/dashboard-test with `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleState, summariseEvents } from '../../dashboard/js/model.js';
import { normState, normEventPage, normHistory, normLive, describeResponse } from '../../dashboard/js/api.js';

const hatches = [
  { id: 'node2-hab', between: ['node2', 'hab'] },
  { id: 'node3-hab', between: ['node3', 'hab'] },
  { id: 'node2', between: ['lab', 'node2'] },
];
const closedHab = new Map([['node2-hab', 'closed'], ['node3-hab', 'moving'], ['node2', 'open']]);

test('module state: alarm wins over blind and isolated', () => {
  const blind = new Set(['hab']);
  assert.equal(moduleState({ id: 'hab', alarm: 'leak_alarm', blind: true }, blind, hatches, closedHab), 'alarm');
  assert.equal(moduleState({ id: 'hab', alarm: null, blind: false }, blind, hatches, closedHab), 'blind');
  assert.equal(moduleState({ id: 'hab', alarm: null, blind: false }, new Set(), hatches, closedHab), 'isolated');
});

test('module state: one open hatch, or an unknown one, is not isolated', () => {
  const none = new Set();
  assert.equal(moduleState({ id: 'node2', alarm: null }, none, hatches, closedHab), 'normal');
  assert.equal(moduleState({ id: 'hab', alarm: null }, none, hatches, new Map([['node2-hab', 'closed']])), 'normal');
  assert.equal(moduleState({ id: 'dock', alarm: null }, none, hatches, closedHab), 'normal');
});

test('events: blind until watched; newest alarm per module; isolation progress', () => {
  const oldestFirst = [
    { sequence: 1, event: 'module_blind', module: 'lab' },
    { sequence: 2, event: 'module_blind', module: 'hab' },
    { sequence: 3, event: 'module_watched', module: 'lab' },
    { sequence: 4, event: 'leak_alarm', module: 'hab', rate_pct_per_h: 0.31 },
    { sequence: 5, event: 'isolation_proposed', hatch: 'node2-hab', value: 1 },
    { sequence: 6, event: 'isolation_proposed', hatch: 'node3-hab', value: 2 },
    { sequence: 7, event: 'leak_alarm', module: 'hab', rate_pct_per_h: 0.35 },
  ];
  const s = summariseEvents(oldestFirst.slice().reverse());
  assert.deepEqual([...s.blind], ['hab']);
  assert.equal(s.alarms.get('hab').sequence, 7);
  assert.deepEqual(s.isolation, { state: 'proposed', hatches: ['node2-hab', 'node3-hab'], module: null, steps: 0 });
  const more = [...oldestFirst, { sequence: 8, event: 'isolation_step', hatch: 'node2-hab' },
    { sequence: 9, event: 'leak_located', module: 'hab', value: 1 }];
  const t = summariseEvents(more.slice().reverse());
  assert.equal(t.isolation.state, 'located');
  assert.equal(t.isolation.module, 'hab');
  assert.equal(t.isolation.steps, 1);
});

test('state: leak tiers, blind modules and absent numbers', () => {
  const s = normState({
    sequence: 3, station: 'demo', time_s: 12.5, utc: '2030-01-01T00:00:12.500Z', safe_mode: null,
    modules: [
      { id: 'hab', pressure_pa: 101200, temperature_c: 22, fresh_sensors: 2, loss_rate_pct_per_h: 0.31, alarm: 'alarm', low_pressure: false, alarm_threshold_pct_per_h: 0.3, acknowledged_by: 'crew_console', acknowledged_utc: '2030-01-01T00:00:10.000Z' },
      { id: 'lab', pressure_pa: null, temperature_c: null, fresh_sensors: 0, loss_rate_pct_per_h: null, alarm: 'none', low_pressure: false },
      { id: 'node2', pressure_pa: 101325, fresh_sensors: 2, alarm: 'trend', low_pressure: false },
      { id: 'dock', pressure_pa: 60000, fresh_sensors: 2, alarm: 'none', low_pressure: true },
    ],
    hatches: [{ id: 'node2-hab', between: ['node2', 'hab'], position: 'closed', fault: false }],
    drones: [{ id: 'd1', state: 'transit', battery_wh: 80.5, module: 'lab', docked: false, target: 't', scanning: false, fault: false }],
    plan: [{ target: 't', module: 'lab', drone: 'd1', last_scan_utc: null }],
    control: { holder: 'ground', lease_remaining_s: 61.2 },
  });
  assert.deepEqual(s.modules.map((m) => m.alarm), ['leak_alarm', null, null, 'low_pressure']);
  assert.deepEqual(s.modules.map((m) => m.blind), [false, true, false, false]);
  assert.equal(s.modules[2].trend, true);
  assert.equal(s.modules[1].pressurePa, null);
  assert.equal(s.modules[0].thresholdPctPerH, 0.3);
  assert.equal(s.modules[0].acknowledgedBy, 'crew_console');
  assert.equal(s.modules[0].acknowledgedUtc.toISOString(), '2030-01-01T00:00:10.000Z');
  assert.equal(s.modules[1].acknowledgedBy, null);
  assert.equal(s.modules[1].acknowledgedUtc, null);
  assert.equal(s.utc.toISOString(), '2030-01-01T00:00:12.500Z');
  assert.equal(s.drones[0].batteryWh, 80.5);
  assert.deepEqual(s.control, { holder: 'ground', leaseRemainingS: 61.2 });
});

test('event pages: sequence on each record; an older page only while the journal has one', () => {
  const page = normEventPage({ oldest: 3, next: 10, events: [{ seq: 7, record: { event: 'a' } }, { seq: 8, record: { event: 'b' } }] });
  assert.deepEqual(page.events.map((e) => [e.sequence, e.event]), [[7, 'a'], [8, 'b']]);
  assert.equal(page.before, 7);
  assert.equal(normEventPage({ oldest: 7, next: 10, events: [{ seq: 7, record: {} }] }).before, null);
  assert.equal(normEventPage({ oldest: 1, next: 1, events: [] }).before, null);
});

test('history columns become points; null stays null', () => {
  const h = normHistory({ since: 0, series: { hab: { t: [1, 2], pressure_pa: [101000, null], temperature_c: [22, 22], loss_rate_pct_per_h: [0.1, 0.2] } } });
  assert.deepEqual(h.get('hab').map((p) => [p.t.getTime(), p.p, p.r]), [[1000, 101000, 0.1], [2000, null, 0.2]]);
});

test('live messages and command answers', () => {
  assert.deepEqual(normLive({ type: 'events', events: [{ seq: 4, record: { event: 'x' } }, { seq: 5, record: { event: 'y' } }] })
    .body.map((e) => [e.sequence, e.event]), [[4, 'x'], [5, 'y']]);
  assert.equal(normLive({ type: 'event', seq: 4, record: { event: 'x' } }).body[0].sequence, 4);
  assert.equal(normLive({ type: 'hello', next_event: 9 }).kind, 'hello');
  assert.equal(normLive({ type: 'state', state: { modules: [] } }).kind, 'state');
  assert.equal(describeResponse(403, { request_id: 7, result: 'error', error: 'authority', reason: 'lease held by ground' }),
    'HTTP 403, error, authority, lease held by ground, request 7');
  assert.equal(describeResponse(200, { request_id: 8, result: 'ok' }), 'HTTP 200, ok, request 8');
});

test('event log: newest first, each event once, bounded, dirty after a change', async () => {
  const { EventLog } = await import('../../dashboard/js/model.js');
  const log = new EventLog(3);
  for (const seq of [5, 3, 4, 5, 6, 7]) log.add({ sequence: seq, event: 'x' });
  assert.equal(log.takeDirty(), true);
  assert.equal(log.takeDirty(), false);
  assert.deepEqual(log.items.map((e) => e.sequence), [7, 6, 5]);
  assert.equal(log.add({ sequence: 6, event: 'x' }), false);
  assert.equal(log.add({ sequence: 3, event: 'x' }), true); // pushed out before, so new again
  assert.deepEqual(log.items.map((e) => e.sequence), [7, 6, 5]);
});
