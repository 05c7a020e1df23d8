"""`cimkit simulate` keeps every result ngspice computes (docs/hdf5-schema.md#waveforms): .meas, .four,
nested .dc, .tf, noise and one group per analysis card, read back with h5py alone and checked against
closed forms. Where the standalone `ngspice` binary is installed, the .meas values are also compared
with what it prints for the same netlist (skipped otherwise: it is not a dependency)."""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

cimkit = sys.argv[1]
work = Path(tempfile.mkdtemp())
BOLTZMANN, ROOM_K = 1.380649e-23, 300.15  # ngspice's default temperature, 27 degC


def simulate(name, text, *extra):
    netlist, out = work / (name + ".cir"), work / (name + ".h5")
    netlist.write_text(text)
    subprocess.run([cimkit, "simulate", str(netlist), "-o", str(out), *extra], check=True, capture_output=True)
    return netlist, h5py.File(out, "r")


RC = 1e-3
rc_netlist, f = simulate("rc_meas", """rc step with measurements
v1 in 0 pulse(0 1 0 1n 1n 1 2)
r1 in out 1k
c1 out 0 1u
.tran 1u 10m
.meas tran trise trig v(out) val=0.1 rise=1
+ targ v(out) val=0.9 rise=1
.meas tran vmax max v(out)
.meas tran never trig v(out) val=5 rise=1 targ v(out) val=6 rise=1
.meas ac nothing find v(out) at=1k
.end
""")
with f:
    trise = f["measurements/tran1/trise"]
    # 10 % -> 90 % of 1 - exp(-t/RC): RC ln 9 = 2.197 RC
    assert abs(trise[0] - RC * math.log(9)) < 1e-3 * RC * math.log(9), trise[0]
    assert trise.attrs["units"] == "s" and trise.attrs["failed"] == 0
    assert trise.attrs["card"].startswith(".meas tran trise") and "targ" in trise.attrs["card"]
    assert abs(trise.attrs["targ"] - trise.attrs["trig"] - trise[0]) < 1e-15
    vmax = f["measurements/tran1/vmax"]
    assert abs(vmax[0] - (1 - math.exp(-10))) < 1e-4 and vmax.attrs["units"] == "V"
    never = f["measurements/tran1/never"]
    assert np.isnan(never[0]) and never.attrs["failed"] == 1 and never.attrs["error"], dict(never.attrs)
    nothing = f["measurements/unmatched/nothing"]
    assert np.isnan(nothing[0]) and nothing.attrs["failed"] == 1
    assert f["waveforms/tran1"].attrs["card"] == ".tran 1u 10m"
    cimkit_trise = trise[0]

ngspice = shutil.which("ngspice")
if ngspice:
    printed = subprocess.run([ngspice, "-b", str(rc_netlist)], capture_output=True, text=True,
                             env={**os.environ, "NGSPICE_MEAS_PRECISION": "16"}).stdout
    match = re.search(r"^trise\s*=\s*(\S+)", printed, re.M)
    assert match and float(match.group(1)) == cimkit_trise, (match, cimkit_trise)
    print("trise equals standalone ngspice's:", cimkit_trise)
else:
    print("standalone ngspice not installed: comparison skipped")

# .four of a pure sine through a 1k/1k divider: fundamental 1 V at 1 kHz, no distortion.
_, f = simulate("sine_four", """pure sine
v1 in 0 sin(0 2 1k)
r1 in out 1k
r2 out 0 1k
.tran 1u 3m
.four 1k v(out)
.end
""")
with f:
    four = f["fourier/tran1/v(out)"]
    assert four.attrs["failed"] == 0 and four.attrs["card"] == ".four 1k v(out)"
    assert abs(four.attrs["fundamental_Hz"] - 1e3) < 1e-9
    assert abs(four.attrs["fundamental_magnitude"] - 1.0) < 1e-4, four.attrs["fundamental_magnitude"]
    assert abs(four.attrs["thd_percent"]) < 1e-6, four.attrs["thd_percent"]
    assert np.allclose(four["frequency"][:], 1e3 * np.arange(10)) and four["magnitude"].attrs["units"] == "V"
    assert np.all(four["magnitude"][2:] < 1e-9)
    assert "fourier(v(out))" not in f["waveforms/tran1"] and "thd(v(out))" not in f["waveforms/tran1"]

# Nested .dc of a divider: v(out) = V1 R2/(R1+R2) for every (v1, v2); v2 drives its own node.
R1, R2 = 1e3, 3e3
_, f = simulate("nested_dc", f"""nested dc
v1 in 0 0
v2 aux 0 0
r1 in out {R1:g}
r2 out 0 {R2:g}
r3 aux 0 1k
.dc v1 0 2 0.5 v2 -1 1 1
.end
""")
with f:
    dc = f["waveforms/dc1"]
    assert tuple(dc.attrs["sweep_shape"]) == (3, 5)
    assert dc.attrs["inner_source"] == "v1" and dc.attrs["outer_source"] == "v2"
    v1_values, v2_values = np.arange(0, 2.01, 0.5), np.array([-1.0, 0.0, 1.0])
    assert np.array_equal(dc.attrs["outer_sweep"], v2_values)
    assert dc["v(out)"].shape == (3, 5) and dc.attrs["scale"] == "v-sweep"
    for j, v2 in enumerate(v2_values):
        assert np.array_equal(dc["v-sweep"][j], v1_values)
        assert np.allclose(dc["v(out)"][j], v1_values * R2 / (R1 + R2), rtol=1e-12, atol=1e-15)
        assert np.allclose(dc["v(aux)"][j], v2, rtol=1e-12, atol=1e-15)

# .tf of the divider, noise, and two .op cards: groups named after the cards, none with a result as scale.
_, f = simulate("divider_tf", f"""divider tf noise op
v1 in 0 dc 1 ac 1
r1 in out {R1:g}
r2 out 0 {R2:g}
.op
.tf v(out) v1
.noise v(out) v1 dec 2 1 1k
.op
.end
""")
with f:
    w = f["waveforms"]
    assert sorted(w) == ["noise1", "noise1_integrated", "op1", "op2", "tf1"], sorted(w)
    assert w["op1"].attrs["card"] == ".op" and w["op2"].attrs["card"] == ".op"
    assert abs(w["op2/v(out)"][0] - R2 / (R1 + R2)) < 1e-12
    tf = w["tf1"]
    assert tf.attrs["scale"] == "" and tf.attrs["card"] == ".tf v(out) v1"
    assert abs(tf["Transfer_function"][0] - R2 / (R1 + R2)) < 1e-12
    assert abs(tf["v1#Input_impedance"][0] - (R1 + R2)) < 1e-6
    assert abs(tf["output_impedance_at_V(out)"][0] - R1 * R2 / (R1 + R2)) < 1e-6
    assert w["noise1"].attrs["scale"] == "frequency"
    # The output noise of a divider is the thermal noise of R1 || R2: sqrt(4 k T R) per sqrt(Hz).
    expected = math.sqrt(4 * BOLTZMANN * ROOM_K * R1 * R2 / (R1 + R2))
    assert np.allclose(w["noise1/onoise_spectrum"][:], expected, rtol=1e-3), (w["noise1/onoise_spectrum"][:], expected)
    assert w["noise1_integrated"].attrs["scale"] == "" and "onoise_total" in w["noise1_integrated"]

# cimkit plot still draws the new layout (a nested .dc as one line, as before).
plots = work / "plots"
plots.mkdir()
subprocess.run([cimkit, "plot", str(work / "nested_dc.h5"), "-o", str(plots)], check=True, capture_output=True)
subprocess.run([cimkit, "plot", str(work / "divider_tf.h5"), "-o", str(plots)], check=True, capture_output=True)
assert len(list(plots.glob("*.png"))) == 6, sorted(p.name for p in plots.glob("*.png"))
print("simulate keeps .meas, .four, nested .dc, .tf and noise results: ok")
