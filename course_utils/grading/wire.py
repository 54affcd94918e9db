"""The data that crosses the sandbox's wall, in a format that cannot run code when read.

Both sides send *frames*: an 8-byte length, a JSON header, then the raw bytes of the arrays it
refers to. A value is JSON (None, bool, int, float, str) or a tagged object: ``tuple``, ``list``,
``dict`` (a list of key/value pairs), ``array`` (dtype, shape and where its bytes are: only bool,
integer, float and complex dtypes), ``complex``, and ``opaque`` (anything else, kept only as its
type's name, so that a diagnosis can say "got Foo"). Nothing is ever unpickled: reading a frame
from the student's process is ``json.loads`` and ``np.frombuffer`` on checked sizes, so the worst a
hostile frame can do is be rejected (:class:`WireError`).

:func:`evaluation_to_data` / :func:`evaluation_from_data` turn an
:class:`~course_utils.exercises.attempts.Evaluation` (what the student's function returned,
raised and warned on each case) into such a value and back, rebuilding exceptions as plain
exception objects of the same name.
"""

from __future__ import annotations

import builtins
import json
import struct

import numpy as np

from ..exercises.attempts import Call, Evaluation

MAX_FRAME = 32 * 2**20  # bytes: a check's inputs and outputs are a few hundred kB at most
MAX_DEPTH = 12  # nesting of tuples, lists and dicts kept; deeper is opaque
MAX_ITEMS = 10_000  # entries of one tuple, list or dict kept; more is opaque
MAX_TEXT = 2_000  # characters kept of a message, a warning or a type's name
KINDS = "biufc"  # array dtypes that cross: bool, int, uint, float, complex
HEADER = struct.Struct(">Q")


class WireError(ValueError):
    """A frame that is not what this module writes: too large, truncated or malformed."""


def dumps(value) -> bytes:
    """One frame holding ``value`` (see the module's docstring for what it may contain)."""
    buffers: list[bytes] = []
    offset = [0]

    def enc(v, depth: int):
        if v is None or isinstance(v, bool | str):
            return v
        if isinstance(v, int):
            return v if abs(v) < 2**63 else float(v)
        if isinstance(v, float):
            return v
        if isinstance(v, complex):
            return {"t": "complex", "v": [v.real, v.imag]}
        if isinstance(v, np.generic):
            v = np.asarray(v)
        if isinstance(v, np.ndarray):
            if v.dtype.kind == "O":
                try:
                    v = np.asarray(v, dtype=np.float64)
                except (TypeError, ValueError):
                    return {"t": "opaque", "type": "ndarray"}
            if v.dtype.kind not in KINDS:
                return {"t": "opaque", "type": "ndarray"}
            data = np.ascontiguousarray(v).tobytes()
            node = {"t": "array", "dtype": v.dtype.str, "shape": list(v.shape), "at": offset[0]}
            buffers.append(data)
            offset[0] += len(data)
            return node
        too_deep = depth >= MAX_DEPTH
        if type(v) in (tuple, list) and not too_deep and len(v) <= MAX_ITEMS:
            return {"t": type(v).__name__, "v": [enc(x, depth + 1) for x in v]}
        if type(v) is dict and not too_deep and len(v) <= MAX_ITEMS:
            return {"t": "dict", "v": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
        return {"t": "opaque", "type": type(v).__name__[:MAX_TEXT]}

    header = json.dumps(enc(value, 0)).encode()
    body = struct.pack(">I", len(header)) + header + b"".join(buffers)
    if len(body) > MAX_FRAME:
        raise WireError(f"a frame of {len(body)} bytes is larger than {MAX_FRAME}")
    return HEADER.pack(len(body)) + body


def loads(body: bytes):
    """The value in a frame's body (the bytes after its length), checked as it is rebuilt."""
    if len(body) < 4:
        raise WireError("a frame too short to hold a header")
    (size,) = struct.unpack(">I", body[:4])
    if size > len(body) - 4:
        raise WireError("a frame whose header runs past its end")
    try:
        tree = json.loads(body[4 : 4 + size].decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise WireError(f"a frame whose header is not JSON ({type(err).__name__})") from None
    data = memoryview(body)[4 + size :]
    return _dec(tree, data, 0)


def _dec(node, data: memoryview, depth: int):
    if depth > MAX_DEPTH + 2:
        raise WireError("a frame nested too deeply")
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if not isinstance(node, dict) or not isinstance(node.get("t"), str):
        raise WireError("a frame with an untagged object")
    tag = node["t"]
    if tag in ("tuple", "list"):
        items = _list(node.get("v"))
        out = [_dec(x, data, depth + 1) for x in items]
        return tuple(out) if tag == "tuple" else out
    if tag == "dict":
        out = {}
        for pair in _list(node.get("v")):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a dict entry that is not a key/value pair")
            key = _dec(pair[0], data, depth + 1)
            try:
                out[key] = _dec(pair[1], data, depth + 1)
            except TypeError:
                raise WireError("a dict key that cannot be hashed") from None
        return out
    if tag == "complex":
        parts = _list(node.get("v"))
        if len(parts) != 2 or not all(isinstance(p, int | float) for p in parts):
            raise WireError("a complex number that is not two numbers")
        return complex(parts[0], parts[1])
    if tag == "array":
        return _array(node, data)
    if tag == "opaque":
        return opaque(str(node.get("type", "object")))
    raise WireError(f"a frame with an unknown tag {tag[:40]!r}")


def _list(items) -> list:
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise WireError("a frame with a malformed or oversized list")
    return items


def _array(node: dict, data: memoryview) -> np.ndarray:
    try:
        dtype = np.dtype(str(node["dtype"]))
    except (KeyError, TypeError, ValueError):
        raise WireError("an array with an unknown dtype") from None
    shape, at = node.get("shape"), node.get("at")
    if (
        dtype.kind not in KINDS
        or dtype.itemsize > 16
        or not isinstance(shape, list)
        or len(shape) > 32
        or not all(type(n) is int and n >= 0 for n in shape)
        or type(at) is not int
        or at < 0
    ):
        raise WireError("an array with a malformed description")
    count = int(np.prod(shape, dtype=object))
    if at + count * dtype.itemsize > len(data):
        raise WireError("an array whose bytes run past the frame's end")
    return np.frombuffer(data, dtype=dtype, count=count, offset=at).reshape(shape).copy()


_OPAQUE: dict[str, type] = {}


def opaque(name: str) -> object:
    """A stand-in for an object that did not cross: its type's name is ``name``."""
    name = name[:MAX_TEXT] if name.isidentifier() else "object"
    if name not in _OPAQUE:
        _OPAQUE[name] = type(name, (), {"__module__": "student", "__repr__": lambda self: f"<{name}>"})
    return _OPAQUE[name]()


def read_frame(read, limit: int = MAX_FRAME) -> bytes | None:
    """A frame's body, from ``read(n)`` (which returns up to n bytes, b"" at the end); None at a
    clean end of the stream."""
    head = _exactly(read, HEADER.size, allow_end=True)
    if head is None:
        return None
    (size,) = HEADER.unpack(head)
    if size > limit:
        raise WireError(f"a frame of {size} bytes is larger than {limit}")
    return _exactly(read, size, allow_end=False)


def _exactly(read, n: int, allow_end: bool) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            if allow_end and got == 0:
                return None
            raise WireError("the stream ended inside a frame")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# -- evaluations ---------------------------------------------------------------------------------


def call_to_data(c: Call) -> dict:
    """A :class:`Call` as plain data (its exception as type, module and message)."""
    error = None
    if c.error is not None:
        error = {
            "type": type(c.error).__name__,
            "module": type(c.error).__module__,
            "message": text_of(c.error),
        }
    return {
        "value": c.value,
        "error": error,
        "warned": [str(w)[:MAX_TEXT] for w in c.warned[:50]],
        "mutated": [str(m)[:MAX_TEXT] for m in c.mutated[:50]],
        "seconds": float(c.seconds),
        "errstate": dict(c.errstate) if c.errstate else None,
        "at_defaults": call_to_data(c.at_defaults) if c.at_defaults is not None else None,
    }


def evaluation_to_data(e: Evaluation) -> dict:
    return {
        "calls": [call_to_data(c) for c in e.calls],
        "timed_out": bool(e.timed_out),
        "time_limit": e.time_limit,
        "not_callable": e.not_callable,
        "float32_in_code": bool(e.float32_in_code),
    }


def text_of(err: BaseException) -> str:
    """``str(err)``, cut to MAX_TEXT; "" when the student's exception cannot even say that."""
    try:
        return str(err)[:MAX_TEXT]
    except Exception:  # noqa: BLE001  a student's exception whose __str__ itself raises
        return ""


def _strings(value, most: int = 50) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [v[:MAX_TEXT] for v in value[:most] if isinstance(v, str)]


def call_from_data(d, depth: int = 0) -> Call:
    """A :class:`Call` rebuilt from :func:`call_to_data`'s output, every field checked."""
    if not isinstance(d, dict):
        raise WireError("a call that is not a dict")
    errstate = d.get("errstate")
    if not (isinstance(errstate, dict) and all(isinstance(v, str) for v in errstate.values())):
        errstate = None
    seconds = d.get("seconds")
    again = d.get("at_defaults")
    return Call(
        value=d.get("value"),
        error=exception_from_data(d.get("error")),
        warned=_strings(d.get("warned")),
        mutated=_strings(d.get("mutated")),
        seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
        errstate={str(k): v for k, v in errstate.items()} if errstate else None,
        at_defaults=call_from_data(again, depth + 1) if isinstance(again, dict) and depth < 1 else None,
    )


def evaluation_from_data(d, time_limit: float | None) -> Evaluation:
    """An :class:`Evaluation` rebuilt from :func:`evaluation_to_data`'s output; ``time_limit`` is
    the grader's own (not what came back)."""
    if not isinstance(d, dict) or not isinstance(d.get("calls"), list):
        raise WireError("an evaluation without its list of calls")
    not_callable = d.get("not_callable")
    return Evaluation(
        [call_from_data(c) for c in d["calls"]],
        timed_out=d.get("timed_out") is True,
        time_limit=time_limit,
        not_callable=not_callable[:MAX_TEXT] if isinstance(not_callable, str) else None,
        float32_in_code=d.get("float32_in_code") is True,
    )


_SYNTHETIC: dict[str, type] = {}


def exception_from_data(d) -> BaseException | None:
    """The student's exception as an object of the same name: builtins' own Exception classes
    and numpy's AxisError as themselves, anything else as a new Exception subclass by that name."""
    if d is None:
        return None
    if not isinstance(d, dict):
        return Exception("")
    name, module, message = d.get("type"), d.get("module"), d.get("message")
    name = name if isinstance(name, str) and name.isidentifier() and len(name) <= 100 else "Exception"
    message = message[:MAX_TEXT] if isinstance(message, str) else ""
    known = getattr(builtins, name, None)
    if module == "builtins" and isinstance(known, type) and issubclass(known, Exception):
        try:
            return known(message)
        except Exception:  # noqa: BLE001  a builtin exception with a different constructor
            pass
    if name == "AxisError" and isinstance(module, str) and module.startswith("numpy"):
        return np.exceptions.AxisError(message)
    if name not in _SYNTHETIC:
        _SYNTHETIC[name] = type(name, (Exception,), {"__module__": "student"})
    return _SYNTHETIC[name](message)
