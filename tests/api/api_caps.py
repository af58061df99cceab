"""Caps small enough that generated requests stay fast (schemathesis, cap tests)."""

SMALL_CAPS = {
    "max_steps": 200,
    "max_steps_times_runs": 2_000,
    "max_runs": 16,
    "max_sweep_runs": 64,
    "max_sweep_work": 5_000,
    "max_resolution": 64,
}
