"""Where the page's files live, and every cap and limit a request is held to.

Each limit can be set from the environment as GDP_<NAME> (GDP_MAX_RUNS=32); a bad value stops
the server at start-up with an error naming the variable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_PACKAGE = Path(__file__).resolve().parent
ENV_PREFIX = "GDP_"


def _site_dir(name: str) -> Path:
    """static/ and templates/ sit beside app/ in a checkout, inside app/_site/ in a wheel."""
    beside = _PACKAGE.parent / name
    return beside if beside.is_dir() else _PACKAGE / "_site" / name


STATIC_DIR = _site_dir("static")
TEMPLATES_DIR = _site_dir("templates")

# An origin that may frame /embed, as a CSP frame-ancestors source: scheme://host[:port] (the
# host may start with "*." for every subdomain), or a bare scheme such as vscode-webview:.
_HOST_ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def embed_origin(text: str) -> str:
    """One entry of GDP_EMBED_ORIGINS as a browser writes an origin (lower case, no default
    port, no trailing slash); anything else (a path, a quote, a ";") is refused."""
    value = text.strip().lower().removesuffix("/")
    if _SCHEME.fullmatch(value):
        return value
    match = _HOST_ORIGIN.fullmatch(value)
    port = match["port"] if match else None
    if not match or (port is not None and not 0 < int(port) < 65536):
        raise ValueError(
            f"{text!r} is not an origin: write scheme://host[:port] (https://course.example.org),"
            " https://*.example.org for its subdomains, or a scheme alone (vscode-webview:)"
        )
    keep_port = port is not None and port != _DEFAULT_PORTS[match["scheme"]]
    return f"{match['scheme']}://{match['host']}" + (f":{int(port)}" if keep_port else "")


class Settings(BaseSettings):
    """Every limit, each also read from the environment variable GDP_<NAME>."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    # About twice the core count computes at once; the rest get 429 at once.
    max_concurrent_computations: int = Field(
        2 * (os.cpu_count() or 1), ge=0, description="computations at once; the rest get 429"
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="size of a request body")
    # A pasted CSV of 5,000 rows (app/api/schemas/datasets.py: at most 2,000,000 characters)
    # with the rest of the request: the limit of the routes that take an objective.
    max_data_body_bytes: int = Field(
        2_200_000, ge=1024, description="size of a request body carrying a dataset"
    )
    max_batch_bytes: int = Field(
        170_000_000,
        ge=1_000_000,
        description="memory a batch of runs may hold while it steps (estimated before it runs)",
    )
    max_steps_times_runs: int = Field(2_000_000, ge=1, description="steps × runs of POST /runs")
    max_steps: int = Field(100_000, ge=1, description="steps of one run")
    max_runs: int = Field(64, ge=1, description="runs in one POST /runs")
    max_sweep_runs: int = Field(4_096, ge=1, description="runs of one sweep or tune")
    max_sweep_work: int = Field(4_200_000, ge=1, description="runs × steps of a sweep or tune")
    max_resolution: int = Field(512, ge=2, description="grid points per axis of POST /surface")
    max_response_numbers: int = Field(
        8_000_000,  # about 150 MB of recorded arrays and compressed JSON at its peak
        ge=1_000,
        description="numbers in one JSON answer of POST /runs (recorded steps × runs × values)",
    )
    request_deadline_seconds: float = Field(
        60.0, gt=0, description="a computation is stopped after this many seconds"
    )
    gil_switch_interval_seconds: float = Field(
        0.0005,
        gt=0,
        le=0.1,
        description="how often a thread hands Python's GIL over (sys.setswitchinterval)",
    )
    blas_threads: int = Field(
        1,
        ge=1,
        le=256,
        description="threads of NumPy's BLAS (matrix products) in the server",
    )
    access_log: bool = Field(False, description="one JSON line per request on standard error")
    # Read as space- or comma-separated text, not JSON: GDP_EMBED_ORIGINS="https://a.org https://b.org".
    embed_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="origins whose pages may frame /embed and drive it by postMessage"
    )

    @field_validator("embed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        return value.replace(",", " ").split() if isinstance(value, str) else value

    @field_validator("embed_origins")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(embed_origin(origin) for origin in value))

    def replace(self, **changes: Any) -> Settings:
        """These settings with some values changed, validated again."""
        return type(self)(**{**self.model_dump(), **changes})


class SettingsError(SystemExit):
    """A bad GDP_* variable: the message names it and says why."""


def load_settings() -> Settings:
    """The settings from the environment; a bad variable exits with a message naming it."""
    try:
        return Settings()
    except ValidationError as error:
        lines = [
            f"{ENV_PREFIX}{'_'.join(str(p) for p in e['loc']).upper() or 'SETTINGS'}: {e['msg']}"
            f" (got {e.get('input')!r})"
            for e in error.errors()
        ]
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


SETTINGS = load_settings()
