"""Caps small enough that generated requests stay fast (schemathesis, cap tests)."""

SMALL_CAPS = {
    "max_steps": 200,
    "max_steps_times_runs": 2_000,
    "max_runs": 16,
    "max_sweep_runs": 64,
    "max_sweep_work": 5_000,
    "max_resolution": 64,
}

# For the schemathesis run: no product of two fields reaches its cap (8 runs × 200 steps ≤ 1,600;
# 64 sweep runs × 200 steps ≤ 12,800), and first suggestions stop after half a second.
SCHEMATHESIS_CAPS = {
    "max_steps": 200,
    "max_steps_times_runs": 1_600,
    "max_runs": 8,
    "max_sweep_runs": 64,
    "max_sweep_work": 12_800,
    "max_resolution": 64,
    "request_deadline_seconds": 0.5,
}
