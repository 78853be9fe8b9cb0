// Pressure and loss-rate plots per module (dygraphs, from Debian's libjs-dygraphs; loaded
// by index.html as the global `Dygraph`). The loss-rate plot carries the alarm threshold
// as a dashed series of its own, so the limit line is in the legend by name too.

const WINDOW_MS = 6 * 3600 * 1000; // what a plot keeps: the last six hours
const MAX_POINTS = 4000; // per series; older points are thinned out of the window

export class ModuleCharts {
  constructor(container, moduleIds, thresholdPctPerH) {
    this.threshold = thresholdPctPerH;
    this.series = new Map();
    this.dirty = new Set();
    const Dygraph = window.Dygraph;
    if (!Dygraph) throw new Error('charts: dygraphs did not load from javascript/dygraphs/dygraph.min.js (Debian package libjs-dygraphs)');
    const common = {
      axisLabelFontSize: 10, labelsKMB: false, legend: 'follow', connectSeparatedPoints: false,
      drawPoints: false, strokeWidth: 1.5, gridLineColor: '#e0e0e0', axisLineColor: '#888',
      xAxisHeight: 16, axes: { y: { axisLabelWidth: 56 } },
    };
    container.replaceChildren();
    for (const id of moduleIds) {
      const card = document.createElement('figure');
      card.className = 'chart-card';
      card.dataset.module = id;
      const h = document.createElement('h3');
      const name = document.createElement('span');
      name.textContent = id;
      const state = document.createElement('span');
      state.className = 'state-label';
      state.dataset.state = 'normal';
      state.textContent = 'normal';
      h.append(name, state);
      const p = document.createElement('div');
      p.className = 'chart chart-pressure';
      p.setAttribute('role', 'img');
      p.setAttribute('aria-label', `${id} pressure, Pa, over time`);
      const r = document.createElement('div');
      r.className = 'chart chart-rate';
      r.setAttribute('role', 'img');
      r.setAttribute('aria-label', `${id} loss rate, % per hour, over time, with the alarm threshold`);
      const pc = document.createElement('div');
      pc.className = 'chart-caption';
      pc.textContent = 'pressure, Pa';
      const rc = document.createElement('div');
      rc.className = 'chart-caption';
      rc.textContent = 'loss rate, %/h (dashed: alarm threshold)';
      card.append(h, pc, p, rc, r);
      container.append(card); // attached before dygraphs measures it
      const pressure = [];
      const rate = [];
      const placeholder = [[new Date(), null]];
      const placeholderRate = [[new Date(), null, this.threshold]];
      const gp = new Dygraph(p, placeholder, {
        ...common, labels: ['time', 'pressure (Pa)'], colors: ['#0072b2'],
      });
      const gr = new Dygraph(r, placeholderRate, {
        ...common,
        labels: ['time', 'loss rate (%/h)', `alarm ${this.threshold} %/h`],
        colors: ['#009e73', '#d55e00'],
        series: { [`alarm ${this.threshold} %/h`]: { strokePattern: Dygraph.DASHED_LINE, strokeWidth: 2 } },
        includeZero: true,
      });
      this.series.set(id, { card, state, pressure, rate, gp, gr });
    }
  }

  /** Replaces a module's series with a backfill: points are {t: Date, p, r} (Pa, %/h). */
  backfill(id, points) {
    const s = this.series.get(id);
    if (!s) return;
    s.pressure.length = 0;
    s.rate.length = 0;
    for (const pt of points) this.pushPoint(s, pt);
    this.dirty.add(id);
  }

  /** Appends one live point. */
  append(id, pt) {
    const s = this.series.get(id);
    if (!s) return;
    const last = s.pressure.length ? s.pressure[s.pressure.length - 1][0] : null;
    if (last && pt.t <= last) return; // already have it (the backfill overlaps the live stream)
    this.pushPoint(s, pt);
    this.dirty.add(id);
  }

  pushPoint(s, pt) {
    s.pressure.push([pt.t, Number.isFinite(pt.p) ? pt.p : null]);
    s.rate.push([pt.t, Number.isFinite(pt.r) ? pt.r : null, this.threshold]);
    const cutoff = pt.t.getTime() - WINDOW_MS;
    while (s.pressure.length && s.pressure[0][0].getTime() < cutoff) { s.pressure.shift(); s.rate.shift(); }
    if (s.pressure.length > MAX_POINTS) {
      // Thin the older half by two, keeping the newest points at full resolution.
      const half = Math.floor(s.pressure.length / 2);
      s.pressure = thin(s.pressure, half);
      s.rate = thin(s.rate, half);
    }
  }

  setState(id, state) {
    const s = this.series.get(id);
    if (!s) return;
    s.state.dataset.state = state;
    s.state.textContent = state;
    s.card.classList.toggle('alarm', state === 'alarm');
  }

  /** Redraws the plots that changed since the last call. */
  redraw() {
    for (const id of this.dirty) {
      const s = this.series.get(id);
      if (!s.pressure.length) continue;
      s.gp.updateOptions({ file: s.pressure });
      s.gr.updateOptions({ file: s.rate });
    }
    this.dirty.clear();
  }

  /** A stand-in that draws nothing, for a page whose charting library did not load. */
  static none() {
    const nothing = Object.create(ModuleCharts.prototype);
    nothing.series = new Map();
    nothing.dirty = new Set();
    return nothing;
  }

  pointCount(id) {
    const s = this.series.get(id);
    return s ? s.pressure.length : 0;
  }
}

function thin(rows, upTo) {
  const out = [];
  for (let i = 0; i < rows.length; i++) if (i >= upTo || i % 2 === 0) out.push(rows[i]);
  return out;
}
