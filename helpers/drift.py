"""What changed between a notebook's shipped recording and a new live run of it (`course check`).

Both are recordings as plain data (`load_recording`). Their interactions are paired request by
request: same endpoint (ids in the path, such as a job's, count as one endpoint) and, where one
matches, the same body; otherwise the next one to that endpoint in recorded order. A request the
SDK retried after a 429 or 5xx counts once, with its failed attempts reported. For each pair this
notes what a learner replaying the shipped recording would not see live:

- the HTTP status (`200` recorded, `500` live);
- the model snapshot the reply names (`gpt-5.4-mini-2026-03-17` → a newer one);
- the reply's fields: every key path present in one and not the other (`usage.prompt_tokens_details`
  gone, `service_tier` new). Lists count as one element (`choices[].message.content`); a stream's
  fields are those of all its events, each named after its event type where it has one.

Values are not compared: a live model's words differ on every run.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .recording import api_path

RETRIED_STATUSES = (408, 409, 429)  # and every 5xx: what the SDK retries (openai/_base_client.py, _should_retry)


def endpoint(request: dict) -> str:
    """`POST /v1/fine_tuning/jobs/{id}/events?after&limit`: method, API path with ids folded, query keys."""
    parts = urlsplit(request.get("uri", ""))
    path = "/".join("{id}" if segment != "v1" and re.search(r"\d", segment) else segment
                    for segment in api_path(parts.path).split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{request.get('method', '?')} {path}" + (f"?{'&'.join(keys)}" if keys else "")


def _body_key(request: dict) -> str:
    body = request.get("body")
    if isinstance(body, str):
        try:
            return json.dumps(json.loads(body), sort_keys=True)
        except ValueError:
            return body
    return repr(body)


def _events(text: str) -> list[dict]:
    events = []
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            try:
                event = json.loads(line[5:])
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
    return events


def reply_data(response: dict) -> tuple[Any, list[dict] | None]:
    """A recorded reply's JSON body, or (None, its events) for a stream; (None, None) for other bytes."""
    text = (response.get("body") or {}).get("string", "")
    if not isinstance(text, str):
        return None, None
    if text.lstrip().startswith(("data:", "event:")):
        return None, _events(text)
    try:
        return json.loads(text), None
    except ValueError:
        return None, None


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value: `usage.prompt_tokens`, `choices[].message.content`."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= key_paths(inner, path)
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, f"{prefix}[]")
    return paths


def reply_fields(response: dict) -> set[str]:
    """The key paths of a reply; a stream's are every event's, prefixed with the event's type if it has one."""
    body, events = reply_data(response)
    if events is None:
        return key_paths(body)
    fields: set[str] = set()
    for event in events:
        kind = event.get("type")
        fields |= {f"{kind}: {path}" for path in key_paths(event)} if isinstance(kind, str) else key_paths(event)
    return fields


def reply_model(response: dict) -> str | None:
    """The model a reply names (a fine-tuned model's own id folded to its base: it is new on every run)."""
    body, events = reply_data(response)
    for item in events if events is not None else [body]:
        if not isinstance(item, dict):
            continue
        model = item.get("model") or (item.get("response") or {}).get("model")
        if isinstance(model, str):
            return f"ft:{model.split(':')[1]}:…" if model.startswith("ft:") and model.count(":") > 1 else model
    return None


def _status(interaction: dict) -> int:
    return int(interaction["response"]["status"]["code"])


def _retried(status: int) -> bool:
    """Statuses the SDK retries; 0 is a recorded call that got no reply (a timeout, a dropped connection)."""
    return status in RETRIED_STATUSES or status >= 500 or status == 0


@dataclass
class Drift:
    """What differs between a shipped recording and a live one; empty when nothing does."""

    statuses: list[str] = field(default_factory=list)  # "status: POST /v1/chat/completions #2: recorded 200, live 500"
    models: Counter = field(default_factory=Counter)  # (recorded, live) → replies
    new_fields: Counter = field(default_factory=Counter)  # (endpoint, path) → replies
    gone_fields: Counter = field(default_factory=Counter)
    requests: list[str] = field(default_factory=list)  # "POST /v1/files: 2 recorded, 1 live"

    def __bool__(self) -> bool:
        return bool(self.statuses or self.models or self.new_fields or self.gone_fields or self.requests)

    def summary(self) -> str:
        """A few words for the notebook's line: `drift in status, model snapshot, fields`."""
        kinds = [name for name, found in (("status", self.statuses), ("model snapshot", self.models),
                                          ("fields", self.new_fields or self.gone_fields),
                                          ("requests", self.requests)) if found]
        return f"drift in {', '.join(kinds)}" if kinds else "no drift"

    def details(self, limit: int = 8) -> list[str]:
        """One line per finding, the first `limit` of them, then how many more."""
        lines = list(self.statuses)
        lines += [f"model: recorded {old}, live {new} ({_replies(n)})" for (old, new), n in self.models.items()]
        for label, found in (("field gone", self.gone_fields), ("new field", self.new_fields)):
            lines += [f"{label}: {path} ({where}, {_replies(n)})" for (where, path), n in sorted(found.items())]
        lines += self.requests
        return lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])


def _replies(count: int) -> str:
    return f"{count} repl{'y' if count == 1 else 'ies'}"


def _without_retries(interactions: list[dict], drift: Drift) -> list[dict]:
    """Drop attempts the SDK retried (a 429/5xx followed by the same request), noting each in `drift`."""
    kept: list[dict] = []
    for index, interaction in enumerate(interactions):
        following = interactions[index + 1] if index + 1 < len(interactions) else None
        same_next = following is not None and (endpoint(following["request"]), _body_key(following["request"])) == (
            endpoint(interaction["request"]), _body_key(interaction["request"]))
        if same_next and _retried(_status(interaction)):
            where = endpoint(interaction["request"])
            drift.statuses.append(f"status: {where}: live {_status(interaction)}, the SDK retried")
            continue
        kept.append(interaction)
    return kept


def compare(shipped: dict, live: dict, finished: bool = True) -> Drift:
    """The drift between two recordings (plain data with `interactions`), request by request.

    `finished=False` for a run that stopped at a failing cell: the requests it never reached are not drift.
    """
    drift = Drift()
    recorded = list(shipped.get("interactions") or [])
    current = _without_retries(list(live.get("interactions") or []), drift)
    unpaired = list(range(len(recorded)))
    seen: Counter = Counter()
    for interaction in current:
        where = endpoint(interaction["request"])
        seen[where] += 1
        candidates = [i for i in unpaired if endpoint(recorded[i]["request"]) == where]
        if not candidates:
            continue
        same_body = [i for i in candidates if _body_key(recorded[i]["request"]) == _body_key(interaction["request"])]
        index = (same_body or candidates)[0]
        unpaired.remove(index)
        _compare_pair(recorded[index], interaction, f"{where} #{seen[where]}", where, drift)
    counts_recorded = Counter(endpoint(i["request"]) for i in recorded)
    for where in sorted(set(counts_recorded) | set(seen)):
        if counts_recorded[where] != seen[where] and (finished or seen[where] > counts_recorded[where]):
            drift.requests.append(f"requests: {where}: {counts_recorded[where]} recorded, {seen[where]} live")
    return drift


def _compare_pair(recorded: dict, live: dict, label: str, where: str, drift: Drift) -> None:
    old_status, new_status = _status(recorded), _status(live)
    if old_status != new_status:
        drift.statuses.append(f"status: {label}: recorded {old_status}, live {new_status}")
        return  # an error's body has nothing in common with a reply's
    old_model, new_model = reply_model(recorded["response"]), reply_model(live["response"])
    if old_model != new_model and old_model and new_model:
        drift.models[(old_model, new_model)] += 1
    old_fields, new_fields = reply_fields(recorded["response"]), reply_fields(live["response"])
    for path in _outermost(new_fields - old_fields):
        drift.new_fields[(where, path)] += 1
    for path in _outermost(old_fields - new_fields):
        drift.gone_fields[(where, path)] += 1


def _outermost(paths: set[str]) -> set[str]:
    """Only the top of each changed branch: a new `usage.x` with all its keys is reported once, as `usage.x`."""
    return {path for path in paths if not any(path.startswith(other + ".") or path.startswith(other + "[]")
                                              for other in paths if other != path)}
