"""Reading the platform's answers where its API page leaves the shape open.

The page shows some answers and not others, so servers written from it differ: a record
flat or wrapped (``{"vod": {...}, "post": {...}}``, ``{"data": {...}}``), a list bare or
wrapped (``{"chapters": [...]}``, ``{"data": [...]}``), ids as numbers or strings, times as
numbers or strings, ``null`` or a missing key for an empty optional field. Everything here
accepts each of those and gives one canonical shape; what still cannot be read is reported
per record (``RecordProblem``) so that one bad record never hides the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator
from pydantic import ValidationError as PydanticError

from core.domain.errors import ValidationError
from core.domain.timefmt import parse_time

T = TypeVar("T", bound=BaseModel)
# Keys a server may put a record or a list under, besides the record's own name.
ENVELOPES = ("data", "result", "results", "items", "item", "records", "payload")


# --- field readers -------------------------------------------------------------------------
def _id(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("an id cannot be true or false")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError("an id must be a non-empty string or an integer")


def _seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a time cannot be true or false")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            try:  # "1:02:03.5": a server that formats times for people
                number = parse_time(value)
            except ValidationError:
                raise ValueError(f"{value!r} is not a time in seconds") from None
    else:
        raise ValueError("a time must be a number of seconds")
    if not math.isfinite(number):
        raise ValueError("a time must be finite")
    return number


def _optional_seconds(value: Any) -> float | None:
    return None if value is None or value == "" else _seconds(value)


def _moment(value: Any) -> str | None:
    """ISO 8601 text, from text or a Unix time (seconds, or milliseconds when that large)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
    return str(value)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no", ""):
            return False
        raise ValueError(f"{value!r} is not true or false")
    if isinstance(value, int | float):
        return bool(value)
    raise ValueError("expected true or false")


def _count(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError("a count cannot be true or false")
    return int(float(value))


def _text_or(default: str) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    return read


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _optional_id(value: Any) -> str | None:
    return None if value is None or value == "" else _id(value)


def _score(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a score cannot be true or false")
    return float(value)


def _names(value: Any) -> list[str]:
    """A list of names, or one comma-separated string, or nothing."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def _one_name(value: Any) -> str | None:
    names = _names(value)
    return names[0] if names else None


RemoteId = Annotated[str, BeforeValidator(_id)]
OptionalId = Annotated[str | None, BeforeValidator(_optional_id)]
Seconds = Annotated[float, BeforeValidator(_seconds)]
OptionalSeconds = Annotated[float | None, BeforeValidator(_optional_seconds)]
Moment = Annotated[str | None, BeforeValidator(_moment)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Count = Annotated[int, BeforeValidator(_count)]
OptionalCount = Annotated[int | None, BeforeValidator(lambda v: None if v is None else _count(v))]
Score = Annotated[float | None, BeforeValidator(_score)]
Names = Annotated[list[str], BeforeValidator(_names)]
OneName = Annotated[str | None, BeforeValidator(_one_name)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]


def text_or(default: str) -> Any:
    """A text field whose ``null`` means its default."""
    return BeforeValidator(_text_or(default))


# --- records and lists ---------------------------------------------------------------------
def unwrap_record(data: Any, names: Iterable[str], *, key: str = "id") -> Any:
    """The record inside ``data``: under one of its ``names`` (its siblings kept beside it,
    so ``{"vod": {...}, "post": {...}}`` reads as a VOD with its post), under a generic
    envelope (``data``, ``result``…), or ``data`` itself when it already is the record."""
    names = tuple(names)
    for _ in range(4):
        if not isinstance(data, dict):
            return data
        named = next((n for n in names if isinstance(data.get(n), dict)), None)
        if named is not None:
            siblings = {k: v for k, v in data.items() if k != named}
            return {**siblings, **data[named]}
        if key in data:
            return data
        envelope = next((e for e in ENVELOPES if isinstance(data.get(e), dict)), None)
        if envelope is None:
            return data
        data = data[envelope]
    return data


def unwrap_list(data: Any, names: Iterable[str]) -> list[Any] | None:
    """The list inside ``data`` (bare, or under its name or a generic envelope), or None."""
    names = tuple(names)
    for _ in range(4):
        if isinstance(data, list):
            return data
        if not isinstance(data, dict):
            return None
        inner = next(
            (data[k] for k in (*names, *ENVELOPES) if isinstance(data.get(k), list | dict)),
            None,
        )
        if inner is None:
            return None
        data = inner
    return None


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """One record of an answer that could not be read, and why."""

    kind: str
    remote_id: str | None
    message: str

    def __str__(self) -> str:
        which = f"{self.kind} {self.remote_id}" if self.remote_id else f"a {self.kind}"
        return f"{which} from the platform could not be read ({self.message})"


class Listing(list[T]):
    """The records that were read, in order; ``problems`` names those that were not."""

    def __init__(self, items: Iterable[T] = (), problems: Iterable[RecordProblem] = ()) -> None:
        super().__init__(items)
        self.problems = list(problems)


def explain(error: PydanticError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def record_id(raw: Any, id_keys: Iterable[str]) -> str | None:
    if not isinstance(raw, dict):
        return None
    for key in id_keys:
        try:
            return _id(raw.get(key))
        except ValueError:
            continue
    return None


def read_records(
    raw_items: list[Any],
    model: type[T],
    *,
    kind: str,
    names: Iterable[str] = (),
    id_keys: Iterable[str] = ("id",),
    fill: dict[str, Any] | None = None,
) -> Listing[T]:
    """Each record read on its own: one that does not fit is reported, the rest are kept."""
    names, id_keys = tuple(names), tuple(id_keys)
    read: list[T] = []
    problems: list[RecordProblem] = []
    for raw in raw_items:
        record = unwrap_record(raw, names, key=id_keys[0])
        try:
            if not isinstance(record, dict):
                raise ValueError(f"a {kind} must be an object, got {type(record).__name__}")
            read.append(model.model_validate({**(fill or {}), **present(record)}))
        except PydanticError as error:
            problems.append(RecordProblem(kind, record_id(record, id_keys), explain(error)))
        except ValueError as error:
            problems.append(RecordProblem(kind, None, str(error)))
    return Listing(read, problems)


def present(record: dict[str, Any]) -> dict[str, Any]:
    """``null`` and a missing key mean the same: the field's default."""
    return {k: v for k, v in record.items() if v is not None}
