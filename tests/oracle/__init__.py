"""The generative energy oracle: seeded scenarios that drive the integration in Home Assistant,
with the recorder, against the simulator's truth, and the invariants users chart."""
