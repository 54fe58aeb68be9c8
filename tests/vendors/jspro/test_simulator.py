"""The JSPro simulator drifts plausibly and its answers parse as the client expects."""

from __future__ import annotations

from custom_components.energy_portals.vendors.jspro.models import parse_scc, parse_scc_data
from custom_components.energy_portals.vendors.jspro.packs import parse_battery
from tests.simulator.clock import Clock
from tests.simulator.jspro import JsproSimulator


def test_packs_drift_with_time() -> None:
    """The simulated packs drift with time, within their physical ranges."""
    now = [1_750_000_000.0]
    sim = JsproSimulator(Clock(lambda: now[0]))
    bodies = []
    for _ in range(3):
        packs = [sim.pack_body(p) for p in sim.site.packs.values()]
        bodies.append(parse_battery({"bms_data": packs}))
        now[0] += 137
    assert len(bodies[0]) == 10
    socs = {body["usb0_1"].soc for body in bodies}
    voltages = {body["usb1_6"].pack_voltage for body in bodies}
    assert len(socs) == 3
    assert len(voltages) > 1
    for body in bodies:
        for pack in body.values():
            assert pack.soc is not None and 80 <= pack.soc <= 100
            assert pack.pack_voltage is not None and 50 < pack.pack_voltage < 58
            assert len(pack.cell_voltages) == 16
    scc = parse_scc_data(sim.scc_body())
    assert scc.sccs["scc1"].pv_power is not None


def test_load_status_variants() -> None:
    """Load status texts read as their states; unknown ones and bad keys do not."""
    standby = parse_scc("scc1", {"load_status": "is standby"})
    unknown = parse_scc("scc1", {"load_status": None})
    assert standby is not None and standby.load_status == "standby"
    assert unknown is not None and unknown.load_status is None
    assert parse_scc("sccX", {}) is None
