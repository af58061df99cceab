"""Caps small enough that generated requests stay fast (schemathesis, cap tests)."""

SMALL_CAPS = {
    "max_steps": 200,
    "max_steps_times_runs": 2_000,
    "max_runs": 16,
    "max_sweep_runs": 64,
    "max_sweep_work": 5_000,
    "max_resolution": 64,
}

# For the schemathesis run: no product of two fields reaches its cap (4 runs × 50 steps ≤ 200;
# 16 sweep runs × 50 steps ≤ 800), and any computation (a first suggestion) stops after 50 ms.
SCHEMATHESIS_CAPS = {
    "max_steps": 50,
    "max_steps_times_runs": 200,
    "max_runs": 4,
    "max_sweep_runs": 16,
    "max_sweep_work": 800,
    "max_resolution": 16,
    "request_deadline_seconds": 0.05,
}
