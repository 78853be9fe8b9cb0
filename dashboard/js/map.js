// The station map: one SVG built once from the station description (modules at their
// position_m, projected on x/y; hatches as links between module centres), then
// updated in place from each snapshot. Each module's state is its colour, its pattern
// and the text under its name.

const SVG = 'http://www.w3.org/2000/svg';
const SCALE = 22; // px per metre
const BOX_W = 96;
const BOX_H = 46;

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

export class StationMap {
  constructor(container, station) {
    this.modules = new Map();
    this.hatches = new Map();
    this.drones = new Map();
    this.centres = new Map();
    // Without positions (a station document the API did not give) the modules sit on a circle.
    const n = station.modules.length;
    const at = (m, i) => m.position_m ?? [12 * Math.cos((2 * Math.PI * i) / n), 8 * Math.sin((2 * Math.PI * i) / n), 0];
    const positions = station.modules.map(at);
    const xs = positions.map((p) => p[0]);
    const ys = positions.map((p) => p[1]);
    const minX = Math.min(...xs), maxX = Math.max(...xs);
    const minY = Math.min(...ys), maxY = Math.max(...ys);
    const pad = 70;
    const width = (maxX - minX) * SCALE + 2 * pad;
    const height = (maxY - minY) * SCALE + 2 * pad;
    const svg = el('svg', {
      viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Map of station ${station.name}: modules and the hatches between them`,
    });
    const defs = el('defs', {}, svg);
    const blind = el('pattern', { id: 'pattern-blind', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    el('rect', { width: 8, height: 8, fill: '#6b6b6b' }, blind);
    el('rect', { width: 3, height: 8, fill: '#a8a8a8' }, blind);
    const isolated = el('pattern', { id: 'pattern-isolated', width: 8, height: 8, patternUnits: 'userSpaceOnUse' }, defs);
    el('rect', { width: 8, height: 8, fill: '#0072b2' }, isolated);
    el('rect', { width: 8, height: 2, fill: '#3d92c4' }, isolated);
    station.modules.forEach((m, i) => {
      // North up: the station's +y is drawn upwards.
      this.centres.set(m.id, [pad + (positions[i][0] - minX) * SCALE, pad + (maxY - positions[i][1]) * SCALE]);
    });
    const hatchLayer = el('g', {}, svg);
    const moduleLayer = el('g', {}, svg);
    this.droneLayer = el('g', {}, svg);
    for (const h of station.hatches) {
      const [a, b] = h.between;
      if (!this.centres.has(a) || !this.centres.has(b)) continue;
      const [x1, y1] = this.centres.get(a);
      const [x2, y2] = this.centres.get(b);
      const g = el('g', { class: 'hatch', 'data-hatch': h.id, 'data-open': 'true', 'data-fault': 'false' }, hatchLayer);
      el('line', { x1, y1, x2, y2 }, g);
      const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
      el('circle', { cx: mx, cy: my, r: 6 }, g);
      const label = el('text', { x: mx + 8, y: my - 8 }, g);
      const title = el('title', {}, g);
      this.hatches.set(h.id, { g, label, title, id: h.id });
    }
    for (const m of station.modules) {
      const [cx, cy] = this.centres.get(m.id);
      const g = el('g', { class: `module${m.return_vehicle ? ' rv' : ''}`, 'data-module': m.id, 'data-state': 'normal' }, moduleLayer);
      el('rect', { x: cx - BOX_W / 2, y: cy - BOX_H / 2, width: BOX_W, height: BOX_H, rx: 6 }, g);
      const name = el('text', { x: cx - BOX_W / 2 + 6, y: cy - 8 }, g);
      name.textContent = m.return_vehicle ? `${m.id} (RV)` : m.id;
      const state = el('text', { x: cx - BOX_W / 2 + 6, y: cy + 6, class: 'state' }, g);
      const pressure = el('text', { x: cx - BOX_W / 2 + 6, y: cy + 19, class: 'state' }, g);
      const title = el('title', {}, g);
      this.modules.set(m.id, { g, state, pressure, title });
    }
    container.replaceChildren(svg);
  }

  /** Colours and labels a module; `state` is normal, alarm, blind or isolated. */
  setModule(id, state, pressurePa) {
    const m = this.modules.get(id);
    if (!m) return;
    m.g.setAttribute('data-state', state);
    m.state.textContent = state;
    m.pressure.textContent = Number.isFinite(pressurePa) ? `${(pressurePa / 1000).toFixed(2)} kPa` : 'no reading';
    m.title.textContent = `${id}: ${state}`;
  }

  setHatch(id, position, fault) {
    const h = this.hatches.get(id);
    if (!h) return;
    h.g.setAttribute('data-open', String(position === 'open'));
    h.g.setAttribute('data-fault', String(Boolean(fault)));
    h.label.textContent = fault ? `${position}, FAULT` : position;
    h.title.textContent = `hatch ${id}: ${position}${fault ? ', fault' : ''}`;
  }

  /** Draws each drone beside the module it is in (when the snapshot says). */
  setDrones(drones) {
    const perModule = new Map();
    for (const d of drones) {
      if (!d.module || !this.centres.has(d.module)) continue;
      const n = perModule.get(d.module) || 0;
      perModule.set(d.module, n + 1);
      let mark = this.drones.get(d.id);
      if (!mark) {
        const g = el('g', { class: 'drone', 'data-drone': d.id }, this.droneLayer);
        mark = { g, circle: el('circle', { r: 7 }, g), text: el('text', {}, g) };
        this.drones.set(d.id, mark);
      }
      const [cx, cy] = this.centres.get(d.module);
      const x = cx + BOX_W / 2 - 10 - n * 17, y = cy - BOX_H / 2 - 2;
      mark.circle.setAttribute('cx', x);
      mark.circle.setAttribute('cy', y);
      mark.text.setAttribute('x', x - 5);
      mark.text.setAttribute('y', y + 3);
      mark.text.textContent = d.id;
    }
  }
}
