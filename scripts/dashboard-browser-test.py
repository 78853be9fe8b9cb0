#!/usr/bin/env python3
"""The dashboard in a real browser (headless Chromium through Selenium and chromedriver,
all Debian packages) against a running `cloak run` on the sim board playing a scenario with
a leak (scripts/dashboard-test starts it). Prints one PASS/FAIL line per check and
`N passed, M failed`; exits 1 if any failed. Screenshots go to --out.

Usage: dashboard-browser-test.py --url URL --out DIR [--leak-module hab]
         [--alarm-by-s 930] [--speed 20]
  --url          the dashboard address as `cloak run --api` printed it
  --alarm-by-s   the simulated time by which the leak alarm must show (the scenario's
                 own expectation: slow-leak's `leak_alarm ... before: 930s`)
  --speed        simulated seconds per wall second of the run (turns the bound into wall time)
"""
import argparse
import json
import os
import re
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--leak-module", default="hab")
parser.add_argument("--alarm-by-s", type=float, default=930.0)
parser.add_argument("--speed", type=float, default=20.0)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

results = []
console_errors = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    return ok


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1400,2000", "--force-prefers-reduced-motion"):
    options.add_argument(a)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)


def collect_console():
    """Browser console entries at level SEVERE since the last call (errors, exceptions, failed loads)."""
    for entry in driver.get_log("browser"):
        if entry.get("level") != "SEVERE":
            continue
        # A refused command is an answer the page shows (HTTP 4xx from the command path),
        # which Chromium also logs as a failed load; every other failure counts.
        if entry.get("source") == "network" and "/api/v1/commands/" in entry["message"]:
            continue
        console_errors.append(entry["message"])


def shot(name):
    path = os.path.join(args.out, f"{name}.png")
    driver.save_screenshot(path)
    return path


def wait_for(predicate, timeout, poll=0.25):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=poll).until(lambda d: predicate())
    except TimeoutException:
        return None


def js(script, *a):
    return driver.execute_script(script, *a)


def sim_time():
    """The controller's time shown in the page header (t = N s), or None."""
    m = re.search(r"t = (\d+) s", driver.find_element(By.ID, "clock").text)
    return int(m.group(1)) if m else None


def module_states():
    return js("""return Object.fromEntries([...document.querySelectorAll('#map [data-module]')]
                 .map(g => [g.dataset.module, g.dataset.state]));""")


def pressures():
    return js("""return Object.fromEntries([...document.querySelectorAll('#modules tbody tr')]
                 .map(r => [r.dataset.module, r.querySelector('[data-field=pressure]').textContent]));""")


def drone_states():
    return js("""return Object.fromEntries([...document.querySelectorAll('#drones li[data-drone]')]
                 .map(li => [li.dataset.drone, li.dataset.state]));""")


try:
    # 1. The page loads and goes live.
    t0 = time.monotonic()
    driver.get(args.url)
    live = wait_for(lambda: js("return document.getElementById('conn').dataset.state") == "live", 20)
    check("page loads and the live WebSocket connects", bool(live),
          f"{time.monotonic() - t0:.1f} s" if live else driver.find_element(By.ID, "conn").text)
    modules = wait_for(lambda: module_states() or None, 10) or {}
    check("station map shows the station's modules", len(modules) >= 2 and args.leak_module in modules,
          ", ".join(f"{k}={v}" for k, v in modules.items()))

    # 2. Pressures: every module shows a cabin pressure in Pa.
    def all_pressures():
        p = pressures()
        try:
            values = {k: float(v) for k, v in p.items()}
        except ValueError:
            return None
        return values if values and all(90_000 < v < 110_000 for v in values.values()) else None
    values = wait_for(all_pressures, 15)
    check("every module's pressure is shown (90-110 kPa)", bool(values),
          ", ".join(f"{k} {v:.0f}" for k, v in (values or {}).items()) or str(pressures()))
    shot("1-live")

    # 3. The leaking module turns red and the alarm appears within the scenario's bound.
    now = sim_time() or 0
    budget = max(5.0, (args.alarm_by_s - now) / args.speed + 10.0)
    started = time.monotonic()
    red = wait_for(lambda: module_states().get(args.leak_module) == "alarm", budget, poll=0.5)
    at_s = sim_time()
    fill = js("""const r = document.querySelector(`#map [data-module="${arguments[0]}"] rect`);
                 return r ? getComputedStyle(r).fill : null;""", args.leak_module)
    check(f"{args.leak_module} turns red (state 'alarm', fill {fill}) by t = {args.alarm_by_s:.0f} s",
          bool(red) and fill == "rgb(213, 94, 0)" and at_s is not None and at_s <= args.alarm_by_s,
          f"at t = {at_s} s of the simulation, {time.monotonic() - started:.1f} s wall after t = {now} s")
    summary = driver.find_element(By.ID, "alarm-summary").text
    check("the alarm summary names the leaking module", args.leak_module in summary and "alarm" in summary, summary)
    others = {k: v for k, v in module_states().items() if v == "alarm" and k != args.leak_module}
    check("no other module is in alarm", not others, str(others))
    row = js("return document.querySelector(`#modules tr[data-module='${arguments[0]}'] .state-label`).textContent",
             args.leak_module)
    check("the state is also written as text", row == "alarm", repr(row))
    shot("2-alarm")
    # Acknowledge and the isolation's approve go through the API; the page shows the answer
    # as it came (the check is that an answer is shown, whatever it is: it is printed).
    card = f"#alarms li[data-module='{args.leak_module}']"
    driver.find_element(By.CSS_SELECTOR, f"{card} button").click()
    ack = wait_for(lambda: js(f"""const r = document.querySelector("{card} .response");
        return r && r.dataset.ok ? r.textContent : null;"""), 10)
    check("Acknowledge sends alarm_acknowledge through the API and it is answered ok",
          bool(ack) and js(f'return document.querySelector("{card} .response").dataset.ok') == "true", ack or "no answer")
    acked = wait_for(lambda: js(f"""const li = document.querySelector("{card}");
        return li && li.dataset.acknowledged === 'true' ? li.children[1].textContent : null;"""), 10)
    check("the alarm stays and shows acknowledged (from the controller's state)",
          bool(acked) and "acknowledged by crew console" in acked and module_states().get(args.leak_module) == "alarm",
          acked or "not shown acknowledged")
    driver.find_element(By.ID, "isolation-approve").click()
    approve = wait_for(lambda: js("""const r = document.getElementById('isolation-response');
        return r.dataset.ok ? r.textContent : null;"""), 10)
    check("Approve isolation sends isolation_approve through the API and shows the answer", bool(approve),
          approve or "no answer")

    # 4. A crew stop reaches the drones.
    outbound = ("preflight", "transit", "scanning")
    flying = wait_for(lambda: {k: v for k, v in drone_states().items() if v in outbound} or None, 60, poll=0.5)
    check("a drone is on a mission (preflight, transit or scanning) before the stop", bool(flying), str(drone_states()))
    before = drone_states()
    driver.find_element(By.ID, "stop-drones").click()
    answer = wait_for(lambda: (lambda el: el.text if el.get_attribute("data-ok") in ("true", "false") else None)(
        driver.find_element(By.ID, "action-response")), 15)
    ok = driver.find_element(By.ID, "action-response").get_attribute("data-ok") == "true"
    check("stop_all_drones answered ok through the API", ok, answer or "no answer")
    # The crew's own commands (the history can also show every principal's).
    Select(driver.find_element(By.ID, "commands-principal")).select_by_value("crew_console")
    history_row = wait_for(lambda: js("""const r = document.querySelector(
        '#commands tr[data-command=stop_all_drones][data-principal=crew_console]');
        return r ? [r.dataset.response, r.dataset.utc, r.textContent] : null;"""), 10)
    check("the command history shows the stop with its principal and response",
          bool(history_row) and history_row[0] == "ok", history_row[2] if history_row else "")
    stop_utc = history_row[1] if history_row else "9999"
    # What reached the drones: the arbiter disarmed them all, so it switched the actuator
    # power off (it is on while a drone is armed or a hatch moves; docs/commands.md).
    driver.find_element(By.ID, "events-filter").send_keys("actuator_power")
    power_off = wait_for(lambda: js("""return [...document.querySelectorAll('#events tr[data-event=actuator_power]')]
        .filter(r => r.dataset.value === '0' && r.dataset.utc >= arguments[0]).map(r => r.dataset.utc).pop() || null;""",
                                    stop_utc), 10)
    check("the stop reaches the drones: all disarmed, actuator power off after it", bool(power_off),
          f"stop at {stop_utc}, power off at {power_off}")
    driver.find_element(By.ID, "events-filter").clear()
    driver.find_element(By.ID, "events-filter").send_keys(" ")
    changed = wait_for(lambda: {k: (before[k], v) for k, v in drone_states().items()
                                if k in (flying or {}) and v != before.get(k)} or None, 20, poll=0.5)
    check("the drone cards follow the drones (a flying drone's state changes)", bool(changed),
          ", ".join(f"{k}: {a} -> {b}" for k, (a, b) in (changed or {}).items()) or str(drone_states()))
    shot("3-stopped")

    # 5. Reload: the page backfills history before going live.
    points_before = js("return Number(document.querySelector(`#charts [data-module='${arguments[0]}']`).dataset.points || 0)",
                       args.leak_module)
    driver.refresh()
    filled = wait_for(lambda: js("return Number(document.body.dataset.backfilled || 0)") or None, 20)
    points_after = js("return Number(document.querySelector(`#charts [data-module='${arguments[0]}']`)?.dataset.points || 0)",
                      args.leak_module)
    check("after a reload the plots backfill the history", bool(filled) and points_after >= min(points_before, 30),
          f"{filled} points over all modules at load; {args.leak_module}: {points_before} before the reload, "
          f"{points_after} right after")
    still = wait_for(lambda: module_states().get(args.leak_module) == "alarm", 10)
    check("after a reload the alarm is still shown", bool(still), str(module_states()))
    live = wait_for(lambda: js("return document.getElementById('conn').dataset.state") == "live", 20)
    check("after a reload the page goes live again", bool(live))
    time.sleep(2)
    shot("4-reloaded")

    collect_console()
    check("no console errors", not console_errors, "; ".join(console_errors[:5]))
except WebDriverException as error:
    check("browser session", False, str(error).splitlines()[0])
    try:
        shot("error")
    except WebDriverException:
        pass
finally:
    driver.quit()

print(f"screenshots: {os.path.abspath(args.out)}")
passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
