"""The cost meter: one quiet line under every notebook cell that made billed API calls.

    cost meter · 1 call · 25 in / 12 out tokens · $0.000073 · session $0.0012

In replay the line says what the calls would have cost live. The meter reads the usage block of
each reply as the SDK parses it (whole replies and the last event of a stream), so it sees every
call of every client a notebook creates (and calls made with `requests`), and prices it from
helpers/prices.py. A program a cell starts, such as curl, is out of its sight. `helpers.spent()`
returns the session's total.

`COURSE_BUDGET_USD` (in .env or the environment, read before every call) caps the session: once
the metered spend reaches it, a call that names a model stops before it is sent, with `BudgetSpent`.
In replay the budget applies to what the calls would have cost, so a lesson can show it.
"""

from __future__ import annotations

import html
import math
import os
import weakref
from dataclasses import dataclass, field
from typing import Any

import requests
from openai import _base_client

from . import costs
from .prices import PRICES_AS_OF, TIER_ALIASES

BUDGET_VARIABLE = "COURSE_BUDGET_USD"


class BudgetSpent(RuntimeError):
    """The session has spent COURSE_BUDGET_USD: no call that names a model is sent."""


class BudgetInvalid(ValueError):
    """COURSE_BUDGET_USD is not a number of dollars."""


@dataclass
class _Meter:
    mode: str = "live"
    spent: dict[str, float] = field(default_factory=dict)  # per mode: live money and replay's "would cost"
    cell: list[costs.CallUsage] = field(default_factory=list)  # calls finished in the running cell
    unpriced: set[str] = field(default_factory=set)  # models of this cell's calls with no price in the table
    streams: dict[int, tuple[dict, bytes, list[dict]]] = field(default_factory=dict)  # open streams' events
    batches: set[str] = field(default_factory=set)  # batches already counted (each bills once, when completed)
    installed: bool = False

    @property
    def total(self) -> float:
        return self.spent.get(_ledger(self.mode), 0.0)


_meter = _Meter()


def _ledger(mode: str) -> str:
    return "replay" if mode == "replay" else "live"  # record mode spends real money, like live


def spent() -> float:
    """Dollars this session's calls have cost so far (in replay: what they would have cost live)."""
    return _meter.total


def budget() -> float | None:
    """The budget set in COURSE_BUDGET_USD, or None when there is none."""
    raw = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        value = float(raw.removeprefix("$"))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise BudgetInvalid(
            f"{BUDGET_VARIABLE}={raw!r} is not a number of dollars, so the course cannot tell when to stop.\n"
            f"Set it to an amount such as 0.50 (in .env or os.environ), or remove it for no budget."
        )
    return value


def dollars(amount: float) -> str:
    """$0.0012, $0.000073, $1.25: enough decimals to show two significant digits of a small amount."""
    if amount == 0:
        return "$0"
    places = max(2, 1 - math.floor(math.log10(abs(amount))))
    return f"${amount:.{places}f}"


def _check_budget(body: Any) -> None:
    """Before a call whose body names a model: refuse it when the session has spent its budget."""
    if not (isinstance(body, dict) and "model" in body):
        return  # listing models, polling a job, deleting a file: nothing billed
    limit = budget()
    if limit is not None and _meter.total >= limit:
        would = " (in replay: what the calls would have cost live)" if _meter.mode == "replay" else ""
        raise BudgetSpent(
            f"This call was not sent: the session has spent {dollars(_meter.total)}{would}, and "
            f"{BUDGET_VARIABLE} is {dollars(limit)}.\n"
            f"Raise {BUDGET_VARIABLE} in .env and restart the kernel, or set os.environ[{BUDGET_VARIABLE!r}] "
            "to a larger amount; remove it for no budget."
        )


def _request_of(response: Any) -> tuple[dict, bytes]:
    """The JSON body the SDK sent for this reply, and its bytes; an upload gives its form fields only."""
    fields = _sent.get(response.request) if response.request is not None else None
    try:
        body = response.request.content
    except Exception:  # noqa: BLE001  an upload streamed from a file: nothing to read back
        return (dict(fields) if isinstance(fields, dict) else {}), b""
    sent = costs.json_or_none(body)
    if isinstance(sent, dict):
        return sent, body
    model = costs.form_model(body)
    return ({"model": model} if model else {}), b""


def _count(usage: costs.CallUsage | None) -> None:
    if usage is None:
        return
    try:
        amount = usage.dollars
    except KeyError:
        _meter.unpriced.add(usage.model)
        amount = 0.0
    ledger = _ledger(_meter.mode)
    _meter.spent[ledger] = _meter.spent.get(ledger, 0.0) + amount
    _meter.cell.append(usage)


def _observe(data: object, response: Any) -> None:
    """One parsed reply, or one event of a stream, as the SDK hands it over."""
    if not isinstance(data, dict):
        return
    if "data" in data and "event" in data and isinstance(data["data"], dict):
        data = data["data"]  # an event the SDK wrapped with its name
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        key = id(response)
        if key not in _meter.streams:
            request, raw = _request_of(response)
            _meter.streams[key] = (request, raw, [])
        request, raw, events = _meter.streams[key]
        events.append(data)
        usage = data.get("usage") or (data.get("response") or {}).get("usage")
        if usage:  # the stream's last word on usage: count it now
            del _meter.streams[key]
            _count(costs.stream_usage(request, events, raw))
        return
    if data.get("object") == "batch":  # a batch bills its requests when it completes: count it once
        usage = costs.batch_usage(data)
        if usage is not None and data["id"] not in _meter.batches:
            _meter.batches.add(data["id"])
            _count(usage)
        return
    if isinstance(data.get("usage"), dict):
        request, _ = _request_of(response)
        _count(costs.usage_of(request, data))


def _finish_streams() -> None:
    """Streams that ended without a usage block: count them from what they sent."""
    while _meter.streams:
        _, (request, raw, events) = _meter.streams.popitem()
        _count(costs.stream_usage(request, events, raw))


def line(calls: list[costs.CallUsage], unpriced: set[str], total: float, mode: str) -> str:
    """The meter's line for one cell's calls."""
    count = len(calls)
    fresh_in = sum(c.input for c in calls)
    cached = sum(c.cached for c in calls)
    out = sum(c.output for c in calls)
    reasoning = sum(c.reasoning for c in calls)
    searches = sum(c.web_searches for c in calls)
    seconds = sum(c.seconds for c in calls)
    tokens = f"{fresh_in:,} in" + (f" ({cached:,} cached)" if cached else "")
    tokens += f" / {out:,} out" + (f" ({reasoning:,} reasoning)" if reasoning else "") + " tokens"
    if seconds:
        tokens = f"{seconds:,.1f} s of audio" + ("" if fresh_in == out == 0 else f" + {tokens}")
    tiers = sorted({TIER_ALIASES.get(c.tier, str(c.tier)) for c in calls} - {"standard"})
    if tiers:
        tokens += f" ({', '.join(tiers)} prices)"
    if any(c.estimated for c in calls):
        tokens = f"about {tokens} (a stream without usage, counted)"
    parts = [
        "cost meter (replay: what it would cost live)" if mode == "replay" else "cost meter",
        f"{count} call{'s' * (count != 1)}",
        tokens + (f" + {searches} web search{'es' * (searches != 1)}" if searches else ""),
    ]
    priced = sum(c.dollars for c in calls if c.model not in unpriced)
    if unpriced:
        names = ", ".join(sorted(unpriced))
        parts.append(f"{dollars(priced)} + {names} (no price in helpers/prices.py, {PRICES_AS_OF})")
    else:
        parts.append(dollars(priced))
    try:
        limit = budget()
    except BudgetInvalid:
        limit = None
    parts.append(f"session {dollars(total)}" + (f" of {dollars(limit)} budget" if limit is not None else ""))
    return " · ".join(parts)


def show(text: str) -> None:
    """The line as a quiet grey note in a notebook, plain text anywhere else."""
    from IPython.display import display

    quiet = f'<div style="color: #888; font-size: 0.85em">{html.escape(text)}</div>'
    display({"text/plain": text, "text/html": quiet}, raw=True)


def _before_cell(*_args: Any) -> None:
    _finish_streams()  # e.g. a chat box's replies, sent from a widget between cells
    _meter.cell.clear()
    _meter.unpriced.clear()


def _after_cell(*_args: Any) -> None:
    _finish_streams()
    if _meter.cell:
        show(line(_meter.cell, _meter.unpriced, _meter.total, _meter.mode))
    _meter.cell.clear()
    _meter.unpriced.clear()


_real_process = _base_client.BaseClient._process_response_data
_real_build = _base_client.BaseClient._build_request
_sent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # request → the fields the SDK built it from
_real_send = requests.Session.send


def _process_response_data(self: Any, *, data: object, cast_to: Any, response: Any) -> Any:
    parsed = _real_process(self, data=data, cast_to=cast_to, response=response)
    try:
        _observe(data, response)
    except Exception:  # noqa: BLE001  the meter must never break the learner's call
        pass
    return parsed


def _build_request(self: Any, options: Any, *, retries_taken: int = 0) -> Any:
    if retries_taken == 0:
        _check_budget(options.json_data)
    request = _real_build(self, options, retries_taken=retries_taken)
    try:
        _sent[request] = options.json_data  # an upload's fields (its model) cannot be read back from the body
    except TypeError:
        pass
    return request


def _requests_send(self: Any, request: Any, **kwargs: Any) -> Any:
    """The same metering for a call made with `requests` (lesson 10 sends one by hand)."""
    sent = costs.json_or_none(request.body)
    _check_budget(sent)
    response = _real_send(self, request, **kwargs)
    if isinstance(sent, dict) and not kwargs.get("stream"):
        try:
            _count(costs.usage_of(sent, costs.json_or_none(response.content)))
        except Exception:  # noqa: BLE001  the meter must never break the learner's call
            pass
    return response


def start(mode: str, shell: Any = None) -> None:
    """Meter this process's SDK calls; print the line after each cell when `shell` is a notebook kernel.

    Called by setup() each time: the mode changes the wording, the spend carries on (money spent live
    stays spent when setup() runs again).
    """
    _meter.mode = mode
    _base_client.BaseClient._process_response_data = _process_response_data
    _base_client.BaseClient._build_request = _build_request
    requests.Session.send = _requests_send
    if shell is not None and not _meter.installed:
        shell.events.register("pre_run_cell", _before_cell)
        shell.events.register("post_run_cell", _after_cell)
        _meter.installed = True


def stop(shell: Any = None) -> None:
    """Undo start(): the SDK is left as it was."""
    _base_client.BaseClient._process_response_data = _real_process
    _base_client.BaseClient._build_request = _real_build
    requests.Session.send = _real_send
    if shell is not None and _meter.installed:
        shell.events.unregister("pre_run_cell", _before_cell)
        shell.events.unregister("post_run_cell", _after_cell)
        _meter.installed = False
