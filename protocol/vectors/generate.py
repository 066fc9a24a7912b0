#!/usr/bin/env python3
"""Generate the MessagePack test vectors in this folder (see README.md).

    pip install msgpack   # msgpack-python 1.x, used to pack and to cross-check
    python3 protocol/vectors/generate.py

Writes codec.json, envelope.json, reply.json and event.json next to this file.
Every valid vector is cross-checked against msgpack-python's unpacker; every
invalid one is checked against the reference pre-pass below (a line-by-line
mirror of Sources/AegisWire/MessagePackValidator.swift) and, unless it only
breaks our own limits, must also be rejected by msgpack-python.
"""

import datetime
import json
import math
import os
import struct

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH_2001 = 978307200

# ---------------------------------------------------------------- reference pre-pass


class Invalid(Exception):
    def __init__(self, name, **info):
        super().__init__(name)
        self.name = name
        self.info = info


FIXED = {0xCA: 5, 0xCB: 9, 0xCC: 2, 0xD0: 2, 0xCD: 3, 0xD1: 3, 0xCE: 5, 0xD2: 5, 0xCF: 9, 0xD3: 9,
         0xD4: 3, 0xD5: 4, 0xD6: 6, 0xD7: 10, 0xD8: 18}
LENGTH = {0xC4: (1, 0), 0xD9: (1, 0), 0xC5: (2, 0), 0xDA: (2, 0), 0xC6: (4, 0), 0xDB: (4, 0),
          0xC7: (1, 1), 0xC8: (2, 1), 0xC9: (4, 1)}
CONTAINER = {0xDC: (3, False), 0xDD: (5, False), 0xDE: (3, True), 0xDF: (5, True)}


def prepass(data, max_bytes=16 << 20, max_depth=32, max_elements=1_000_000):
    """Mirror of MessagePackValidator.validate: raises Invalid or returns (elements, depth)."""
    n = len(data)
    if n > max_bytes:
        raise Invalid("tooLarge", size=n, limit=max_bytes)
    if n == 0:
        raise Invalid("truncated", offset=0)
    stack, offset, elements, deepest = [], 0, 1, 0
    while True:
        start = offset
        if start >= n:
            raise Invalid("truncated", offset=start)
        b = data[start]
        left = n - start
        children = None
        header = 0
        if b <= 0x7F or b >= 0xE0 or b in (0xC0, 0xC2, 0xC3):
            offset = start + 1
        elif 0x80 <= b <= 0x9F:
            header, children = 1, (b & 0x0F) * (2 if b < 0x90 else 1)
        elif 0xA0 <= b <= 0xBF:
            if (b & 0x1F) > left - 1:
                raise Invalid("lengthExceedsInput", offset=start)
            offset = start + 1 + (b & 0x1F)
        elif b == 0xC1:
            raise Invalid("reservedByte", offset=start)
        elif b in FIXED:
            if FIXED[b] > left:
                raise Invalid("truncated", offset=start)
            offset = start + FIXED[b]
        elif b in LENGTH:
            lb, extra = LENGTH[b]
            hdr = 1 + lb + extra
            if hdr > left:
                raise Invalid("truncated", offset=start)
            length = int.from_bytes(data[start + 1:start + 1 + lb], "big")
            if length > left - hdr:
                raise Invalid("lengthExceedsInput", offset=start)
            offset = start + hdr + length
        else:
            header, is_map = CONTAINER[b]
            if header > left:
                raise Invalid("truncated", offset=start)
            count = int.from_bytes(data[start + 1:start + header], "big")
            children = count * 2 if is_map else count
        if children is not None:
            if len(stack) >= max_depth:
                raise Invalid("depthExceeded", limit=max_depth)
            if children > left - header:
                raise Invalid("lengthExceedsInput", offset=start)
            elements += children
            if elements > max_elements:
                raise Invalid("tooManyElements", limit=max_elements)
            offset = start + header
            if children > 0:
                stack.append(children)
                deepest = max(deepest, len(stack))
                continue
            deepest = max(deepest, len(stack) + 1)
        while stack:
            if stack[-1] > 1:
                stack[-1] -= 1
                break
            stack.pop()
        if not stack:
            if offset != n:
                raise Invalid("trailingBytes", offset=offset)
            if elements > max_elements:
                raise Invalid("tooManyElements", limit=max_elements)
            return elements, deepest


# ---------------------------------------------------------------- values <-> tagged JSON

def ts_text(sec, ns):
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=sec)
    return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
            f"{dt.second:02d}.{ns:09d}Z")


def to_json(v):
    """Python value (as msgpack-python unpacks it) -> tagged JSON."""
    if v is None or isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else {"$int": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"$float": "nan"}
        if math.isinf(v):
            return {"$float": "inf" if v > 0 else "-inf"}
        return v
    if isinstance(v, (bytes, bytearray)):
        return {"$bin": bytes(v).hex()}
    if isinstance(v, msgpack.Timestamp):
        return {"$ts": ts_text(v.seconds, v.nanoseconds)}
    if isinstance(v, msgpack.ExtType):
        return {"$ext": [v.code, v.data.hex()]}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: to_json(x) for k, x in v.items()}
        return {"$map": [[to_json(k), to_json(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def pack(v):
    return msgpack.packb(v, use_bin_type=True, datetime=False)


def unpack(b):
    return msgpack.unpackb(b, raw=False, strict_map_key=False, timestamp=0, use_list=True)


def via_swift_date(sec, ns):
    """What AegisWire's Date round trip does to (sec, ns): Double seconds since 2001."""
    ref = float(sec - EPOCH_2001) + ns / 1e9
    whole = math.floor(ref)
    nanos = math.floor((ref - whole) * 1e9 + 0.5)
    if nanos >= 1e9:
        whole, nanos = whole + 1, 0
    return int(whole) + EPOCH_2001, int(nanos)


def swiftify(v):
    """The value AegisWire re-encodes after decoding v (timestamps pass through Date)."""
    if isinstance(v, msgpack.Timestamp):
        return msgpack.Timestamp(*via_swift_date(v.seconds, v.nanoseconds))
    if isinstance(v, list):
        return [swiftify(x) for x in v]
    if isinstance(v, dict):
        return {k: swiftify(x) for k, x in v.items()}
    return v


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b or (isinstance(a, (list, dict)) and a == b)


# ---------------------------------------------------------------- codec vectors

def valid(name, value=None, hex_=None, note=None):
    """A value and its bytes: packed by msgpack-python unless hex_ gives them."""
    data = bytes.fromhex(hex_) if hex_ is not None else pack(value)
    decoded = unpack(data)
    if value is not None or hex_ is None:
        assert same(decoded, value), (name, decoded, value)
    prepass(data)
    vec = {"name": name, "hex": data.hex(), "valid": True, "json": to_json(decoded),
           "canonical": pack(swiftify(decoded)) == data}
    if note:
        vec["note"] = note
    return vec


def valid_raw(name, hex_, json_value, canonical, note=None):
    """A vector msgpack-python cannot unpack (negative ext types): JSON given by hand."""
    prepass(bytes.fromhex(hex_))
    vec = {"name": name, "hex": hex_, "valid": True, "json": json_value, "canonical": canonical}
    if note:
        vec["note"] = note
    return vec


def invalid(name, hex_, error, note=None, limits=None, path=None, python_rejects=True):
    data = bytes.fromhex(hex_)
    lim = limits or {}
    info = {}
    if error in ("invalidUTF8", "invalidTimestamp"):
        prepass(data, **lim)  # structurally fine; rejected while converting
        info["path"] = path
    else:
        try:
            prepass(data, **lim)
            raise AssertionError(f"{name}: pre-pass accepted")
        except Invalid as e:
            assert e.name == error, (name, e.name, error)
            info = e.info
    if python_rejects:
        try:
            unpack(data)
            raise AssertionError(f"{name}: msgpack-python accepted")
        except AssertionError:
            raise
        except Exception:
            pass
    vec = {"name": name, "hex": data.hex(), "valid": False, "error": error, **info}
    if limits:
        vec["limits"] = limits
    if note:
        vec["note"] = note
    return vec


def nested_arrays(depth, inner=b""):
    return bytes([0x91] * (depth - 1) + [0x90 if not inner else 0x91]) + inner if depth else inner


def codec_vectors():
    v = []
    # nil, bool
    v += [valid("nil", None), valid("false", False), valid("true", True)]
    # integers at every size boundary
    for n in [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53, 2**53 + 1,
              2**63 - 1, 2**63, 2**64 - 1]:
        v.append(valid(f"uint {n}", n))
    for n in [-1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**53 - 1, -2**63]:
        v.append(valid(f"int {n}", n))
    v += [
        valid("uint8 holding 5 (non-minimal)", 5, "cc05"),
        valid("uint64 holding 1 (non-minimal)", 1, "cf0000000000000001"),
        valid("int8 holding 5 (non-minimal)", 5, "d005"),
        valid("int64 holding -1 (non-minimal)", -1, "d3ffffffffffffffff"),
        valid("int16 holding 1000 (non-minimal, positive in a signed form)", 1000, "d103e8"),
    ]
    # floats
    for x in [0.0, -0.0, 1.5, -2.25, 0.1, 1e300, 5e-324, float("inf"), float("-inf"), float("nan")]:
        v.append(valid(f"float64 {x!r}", x))
    v += [
        valid("float32 1.5", 1.5, "ca3fc00000", "float32 decodes into a double; re-encodes as float64"),
        valid("float32 0.1", struct.unpack(">f", struct.pack(">f", 0.1))[0], "ca3dcccccd"),
        valid("float32 -inf", float("-inf"), "caff800000"),
    ]
    # strings at each header boundary
    for n, label in [(0, "fixstr empty"), (1, "fixstr 1"), (31, "fixstr 31"), (32, "str8 32"),
                     (255, "str8 255"), (256, "str16 256")]:
        v.append(valid(label, "a" * n))
    v += [
        valid("str utf-8 multibyte", "héllo wörld ✓ 𝄞"),
        valid("str8 holding 'ab' (non-minimal)", "ab", "d9026162"),
        valid("str16 holding 'ab' (non-minimal)", "ab", "da00026162"),
        valid("str32 holding 'ab' (non-minimal)", "ab", "db000000026162"),
    ]
    # binary
    for n, label in [(0, "bin8 empty"), (1, "bin8 1"), (255, "bin8 255"), (256, "bin16 256")]:
        v.append(valid(label, bytes(range(256))[:n] if n <= 256 else bytes(n)))
    v += [valid("bin16 holding 2 bytes (non-minimal)", b"\x01\x02", "c500020102"),
          valid("bin32 holding 2 bytes (non-minimal)", b"\x01\x02", "c6000000020102")]
    # arrays
    v += [valid("fixarray empty", []), valid("fixarray 15", list(range(15))),
          valid("array16 16", list(range(16))),
          valid("array16 holding [1] (non-minimal)", [1], "dc000101"),
          valid("array32 holding [1, 2] (non-minimal)", [1, 2], "dd000000020102"),
          valid("array mixed", [None, True, -1, 1.5, "x", b"\x00", [], {}]),
          valid("array nested", [1, [2, [3, [4]]]])]
    # maps
    v += [valid("fixmap empty", {}), valid("fixmap one", {"a": 1}),
          valid("fixmap 15", {f"k{i:02d}": i for i in range(15)}),
          valid("map16 16", {f"k{i:02d}": i for i in range(16)}),
          valid("map16 holding one entry (non-minimal)", {"a": 1}, "de0001a16101"),
          valid("map32 holding one entry (non-minimal)", {"a": 1}, "df00000001a16101"),
          valid("map int keys", {1: "one", -1: "minus one", 2**64 - 1: "max"}),
          valid("map mixed keys", {"s": 1, 2: 2, None: 3, True: 4}),
          valid("map nested", {"params": {"name": "x", "items": [{"id": 1}, {"id": 2}]}}),
          valid("map keys keep wire order", {"z": 1, "a": 2, "m": 3})]
    # timestamps
    T = msgpack.Timestamp
    v += [valid("timestamp32 epoch", T(0, 0)),
          valid("timestamp32 2023-11-14", T(1700000000, 0)),
          valid("timestamp32 max", T(2**32 - 1, 0)),
          valid("timestamp64 2^32 seconds", T(2**32, 0)),
          valid("timestamp64 half second", T(1, 500_000_000)),
          valid("timestamp64 2026 quarter second", T(1767323045, 250_000_000)),
          valid("timestamp64 nanoseconds", T(1767323045, 123_456_789),
                note="Date keeps ~100 ns here, so AegisWire re-encodes the nearest nanosecond"),
          valid("timestamp64 max", T(2**34 - 1, 999_999_999)),
          valid("timestamp96 one second before 1970", T(-1, 0)),
          valid("timestamp96 -1.5 s", T(-2, 500_000_000)),
          valid("timestamp96 1900-01-01", T(-2208988800, 0)),
          valid("timestamp96 pre-1970 nanoseconds", T(-1, 1)),
          valid("timestamp96 2^34 seconds", T(2**34, 0)),
          valid("timestamp96 year 9999", T(253402300799, 0)),
          valid("timestamp96 holding epoch (non-minimal)", T(0, 0), "c70cff000000000000000000000000")]
    # other extensions
    E = msgpack.ExtType
    for n in [1, 2, 4, 8, 16, 0, 3, 255, 256]:
        v.append(valid(f"ext type 5 size {n}", E(5, bytes(range(256))[:n] if n <= 256 else bytes(n))))
    v += [valid_raw("ext negative type -128", "d48001", {"$ext": [-128, "01"]}, True,
                    "msgpack-python cannot represent negative application types"),
          valid_raw("ext negative type -2 size 3", "c703fe010203", {"$ext": [-2, "010203"]}, True),
          valid("ext type 127", E(127, b"\x01\x02\x03")),
          valid("ext16 holding 1 byte (non-minimal)", E(5, b"\xaa"), "c8000105aa"),
          valid("ext32 holding 1 byte (non-minimal)", E(5, b"\xaa"), "c90000000105aa")]
    # depth
    v += [valid("depth 32: 32 nested arrays", hex_=nested_arrays(32).hex(),
                note="32 containers open at once: the limit"),
          valid("depth 32: 32 nested arrays around a scalar", hex_=nested_arrays(32, b"\x01").hex(),
                note="the scalar sits at depth 32"),
          valid("depth 32: 32 nested maps", hex_=(b"\x81\xa1a" * 31 + b"\x80").hex())]

    # ---- invalid
    x = []
    x += [invalid("empty input", "", "truncated"),
          invalid("reserved byte 0xc1", "c1", "reservedByte"),
          invalid("reserved byte inside an array", "9201c1", "reservedByte"),
          invalid("uint16 missing a byte", "cd01", "truncated"),
          invalid("float64 missing bytes", "cb3ff0", "truncated"),
          invalid("str8 header without length", "d9", "truncated"),
          invalid("fixstr longer than input", "a36162", "lengthExceedsInput"),
          invalid("str8 longer than input", "d90561", "lengthExceedsInput"),
          invalid("array missing its last element", "929101", "truncated"),
          invalid("map missing its value", "81a161", "truncated"),
          invalid("map declaring more entries than bytes", "82a161", "lengthExceedsInput"),
          invalid("map32 header cut short", "df0000", "truncated"),
          invalid("ext8 missing its type byte", "c701", "truncated"),
          invalid("fixext4 cut short", "d605000000", "truncated"),
          invalid("array32 declaring 2^31 elements, no data", "dd80000000", "lengthExceedsInput"),
          invalid("array32 declaring 2^32-1 elements, no data", "ddffffffff", "lengthExceedsInput"),
          invalid("map32 declaring 2^31 entries, no data", "df80000000", "lengthExceedsInput"),
          invalid("map16 declaring 2 entries with 3 bytes", "de0002010203", "lengthExceedsInput"),
          invalid("str32 declaring 2^31-1 bytes", "db7fffffff61", "lengthExceedsInput"),
          invalid("bin32 declaring 2^32-1 bytes", "c6ffffffff00", "lengthExceedsInput"),
          invalid("ext32 declaring 2^32-1 bytes", "c9ffffffff0500", "lengthExceedsInput"),
          invalid("array32 of 2^31 inside a map", "81a161dd80000000", "lengthExceedsInput")]
    sample = pack({"v": 1, "id": 7, "method": "technique.get", "params": {"ids": [1, 2, 3], "x": 1.5}})
    for cut in [1, 3, 9, 20, len(sample) - 9, len(sample) - 1]:
        try:
            prepass(sample[:cut])
        except Invalid as e:
            x.append(invalid(f"request truncated to {cut} of {len(sample)} bytes", sample[:cut].hex(), e.name))
    x += [invalid("depth 33: 33 nested arrays", nested_arrays(33).hex(), "depthExceeded", python_rejects=False),
          invalid("depth 33: 32 nested arrays around an empty map", (nested_arrays(32)[:-1] + b"\x91\x80").hex(),
                  "depthExceeded", python_rejects=False),
          invalid("depth 33: 33 nested maps", (b"\x81\xa1a" * 32 + b"\x80").hex(), "depthExceeded",
                  python_rejects=False),
          invalid("nesting 100 deep", nested_arrays(100).hex(), "depthExceeded", python_rejects=False),
          invalid("non-UTF-8 string", "a1ff", "invalidUTF8", path=""),
          invalid("non-UTF-8 string in params.name", (pack({"params": {"name": "\x00"}})[:-1] + b"\xff").hex(),
                  "invalidUTF8", path="params.name"),
          invalid("non-UTF-8 in an array element", "92a161a2c328", "invalidUTF8", path="[1]"),
          invalid("overlong UTF-8 encoding", "a2c080", "invalidUTF8", path=""),
          invalid("UTF-16 surrogate in UTF-8", "a3eda080", "invalidUTF8", path=""),
          invalid("non-UTF-8 map key", "81a1ff01", "invalidUTF8", path="<key #0>"),
          invalid("trailing byte after a scalar", "0102", "trailingBytes"),
          invalid("two nils", "c0c0", "trailingBytes"),
          invalid("trailing bytes after a map", "80ffff", "trailingBytes"),
          invalid("timestamp64 with 10^9 nanoseconds", "d7ff" + ((10**9) << 34).to_bytes(8, "big").hex(),
                  "invalidTimestamp", path=""),
          invalid("timestamp96 with 10^9 nanoseconds", "c70cff" + (10**9).to_bytes(4, "big").hex() + "00" * 8,
                  "invalidTimestamp", path=""),
          invalid("timestamp of 3 bytes", "c703ff000000", "invalidTimestamp", path=""),
          invalid("timestamp of 2 bytes in a map", "81a174d5ff0000", "invalidTimestamp", path="t"),
          invalid("more values than max_elements", "93010203", "tooManyElements", limits={"max_elements": 3},
                  python_rejects=False),
          invalid("more bytes than max_bytes", "a461626364", "tooLarge", limits={"max_bytes": 4},
                  python_rejects=False)]
    return v + x


# ---------------------------------------------------------------- envelope vectors

def req_valid(name, body, envelope, note=None):
    data = pack(body)
    vec = {"name": name, "hex": data.hex(), "valid": True, "envelope": to_json(envelope)}
    if note:
        vec["note"] = note
    return vec


RAW = object()


def req_invalid(name, body, code, id_=None, field=None, note=None, limits=None, raw=None):
    data = raw if raw is not None else pack(body)
    vec = {"name": name, "hex": data.hex(), "valid": False, "code": code, "id": to_json(id_)}
    if field is not None:
        vec["field"] = field
    if limits:
        vec["limits"] = limits
    if note:
        vec["note"] = note
    return vec


def raw_map(items, last_value=b""):
    """Hex of a map packed item by item (allows repeated keys); last_value is appended raw."""
    count = (len(items) + (1 if last_value else 0)) // 2
    return bytes([0x80 | count]) + b"".join(pack(i) for i in items) + last_value


def env(id_, method, params=None, auth=None):
    return {"v": 1, "id": id_, "method": method, "params": params or {}, "auth": auth}


def envelope_vectors():
    v = [
        req_valid("int id", {"v": 1, "id": 1, "method": "system.ping"}, env(1, "system.ping")),
        req_valid("str id with params", {"v": 1, "id": "req-7", "method": "technique.get", "params": {"id": "T1059.001"}},
                  env("req-7", "technique.get", {"id": "T1059.001"})),
        req_valid("no params", {"v": 1, "id": 2, "method": "system.info"}, env(2, "system.info")),
        req_valid("with auth", {"v": 1, "id": 3, "method": "test.submit_red", "params": {"test_id": "t-1", "version": 4},
                                "auth": "tok_abc"},
                  env(3, "test.submit_red", {"test_id": "t-1", "version": 4}, "tok_abc")),
        req_valid("keys in another order", {"method": "auth.login", "params": {"user": "ana"}, "id": 4, "v": 1},
                  env(4, "auth.login", {"user": "ana"})),
        req_valid("unknown envelope key ignored", {"v": 1, "id": 5, "method": "system.ping", "trace": "abc"},
                  env(5, "system.ping")),
        req_valid("params nil counts as absent", {"v": 1, "id": 6, "method": "system.ping", "params": None},
                  env(6, "system.ping")),
        req_valid("auth nil counts as absent", {"v": 1, "id": 7, "method": "system.ping", "auth": None},
                  env(7, "system.ping")),
        req_valid("uint64 id", {"v": 1, "id": 2**64 - 1, "method": "system.ping"}, env(2**64 - 1, "system.ping")),
        req_valid("negative id", {"v": 1, "id": -3, "method": "system.ping"}, env(-3, "system.ping")),
        req_valid("empty string id", {"v": 1, "id": "", "method": "system.ping"}, env("", "system.ping")),
        req_valid("three-part method with digits", {"v": 1, "id": 8, "method": "a1.b_2.c3"}, env(8, "a1.b_2.c3")),
        req_valid("params with free-form values",
                  {"v": 1, "id": 9, "method": "evidence.add",
                   "params": {"blob": b"\x00\x01", "at": msgpack.Timestamp(1767323045, 0), "tags": ["x", "y"],
                              "meta": {"n": 1.5, "none": None}}},
                  env(9, "evidence.add", {"blob": b"\x00\x01", "at": msgpack.Timestamp(1767323045, 0),
                                          "tags": ["x", "y"], "meta": {"n": 1.5, "none": None}})),
    ]
    IR = "INVALID_REQUEST"
    x = [
        req_invalid("body is an array", [1, 1, "system.ping"], IR),
        req_invalid("body is an int", 1, IR),
        req_invalid("body is a string", "system.ping", IR),
        req_invalid("body is nil", None, IR),
        req_invalid("missing v", {"id": 10, "method": "system.ping"}, IR, 10, "v"),
        req_invalid("v = 2", {"v": 2, "id": 11, "method": "system.ping"}, IR, 11, "v"),
        req_invalid("v is a string", {"v": "1", "id": 12, "method": "system.ping"}, IR, 12, "v"),
        req_invalid("v is a float", {"v": 1.0, "id": 13, "method": "system.ping"}, IR, 13, "v"),
        req_invalid("missing id", {"v": 1, "method": "system.ping"}, IR, None, "id"),
        req_invalid("id is a float", {"v": 1, "id": 1.5, "method": "system.ping"}, IR, None, "id"),
        req_invalid("id is an array", {"v": 1, "id": [1], "method": "system.ping"}, IR, None, "id"),
        req_invalid("id is nil", {"v": 1, "id": None, "method": "system.ping"}, IR, None, "id"),
        req_invalid("missing method", {"v": 1, "id": 14}, IR, 14, "method"),
        req_invalid("method is an int", {"v": 1, "id": 15, "method": 7}, IR, 15, "method"),
        req_invalid("method with uppercase", {"v": 1, "id": 16, "method": "System.Ping"}, IR, 16, "method"),
        req_invalid("method with a space", {"v": 1, "id": 17, "method": "system. ping"}, IR, 17, "method"),
        req_invalid("method without a dot", {"v": 1, "id": 18, "method": "ping"}, IR, 18, "method"),
        req_invalid("method with a trailing dot", {"v": 1, "id": 19, "method": "system."}, IR, 19, "method"),
        req_invalid("method empty", {"v": 1, "id": 20, "method": ""}, IR, 20, "method"),
        req_invalid("method segment starting with a digit", {"v": 1, "id": 21, "method": "system.1ping"}, IR, 21,
                    "method"),
        req_invalid("params is an array", {"v": 1, "id": 22, "method": "system.ping", "params": [1]}, IR, 22, "params"),
        req_invalid("params is a string", {"v": 1, "id": 23, "method": "system.ping", "params": "x"}, IR, 23, "params"),
        req_invalid("auth is an int", {"v": 1, "id": 24, "method": "system.ping", "auth": 5}, IR, 24, "auth"),
        req_invalid("auth is a map", {"v": 1, "id": 25, "method": "system.ping", "auth": {}}, IR, 25, "auth"),
        req_invalid("non-string top-level key", {"v": 1, "id": 26, "method": "system.ping", 1: "x"}, IR, 26),
        req_invalid("repeated top-level key", RAW, IR, 24, "method",
                    raw=raw_map(["v", 1, "id", 24, "method", "system.ping", "method", "x"])),
        req_invalid("not MessagePack: text", RAW, IR, raw=b"hello world"),
        req_invalid("not MessagePack: reserved byte", RAW, IR, raw=b"\xc1"),
        req_invalid("empty frame", RAW, IR, raw=b""),
        req_invalid("truncated map", RAW, IR, raw=pack({"v": 1, "id": 27, "method": "system.ping"})[:-3]),
        req_invalid("params nested 33 deep", RAW, IR, raw=raw_map(["v", 1, "id", 28, "method", "system.ping", "params"],
                                                                b"\x81\xa1a" * 31 + b"\x80"),
                    note="the envelope map plus 32 maps in params: 33 levels"),
        req_invalid("non-UTF-8 string in params", RAW, IR, raw=pack({"v": 1, "id": 29, "method": "system.ping",
                                                                  "params": {"name": "\x00"}})[:-1] + b"\xff"),
        req_invalid("over max_bytes", {"v": 1, "id": 30, "method": "system.ping"}, "RESOURCE_EXHAUSTED",
                    limits={"max_bytes": 16}),
    ]
    # Self-check the hand-written bodies.
    for vec in x:
        data = bytes.fromhex(vec["hex"])
        if vec["name"] in ("repeated top-level key",):
            assert data[0] == 0x84
        if vec["name"] == "params nested 33 deep":
            try:
                prepass(data)
                raise AssertionError("depth vector accepted")
            except Invalid as e:
                assert e.name == "depthExceeded", e.name
    return v + x


# ---------------------------------------------------------------- replies and events

def reply_vectors():
    out = []

    def ok(name, id_, result):
        body = {"v": 1, "id": id_, "ok": True, "result": result}
        out.append({"name": name, "hex": pack(body).hex(), "id": to_json(id_), "ok": True, "result": to_json(result)})

    def err(name, id_, code, message, details=None):
        e = {"code": code, "message": message}
        if details is not None:
            e["details"] = details
        body = {"v": 1, "id": id_, "ok": False, "error": e}
        out.append({"name": name, "hex": pack(body).hex(), "id": to_json(id_), "ok": False, "error": to_json(e)})

    ok("pong", 1, {"pong": True})
    ok("list page", "req-2", {"items": [{"id": "T1059", "version": 3}], "next_cursor": None})
    ok("nil result", 3, None)
    err("unreadable request", None, "INVALID_REQUEST", "request is not readable")
    err("bad version", 5, "INVALID_REQUEST", "unsupported protocol version", {"field": "v", "expected": 1})
    err("invalid argument", "abc", "INVALID_ARGUMENT", "limit must be at most 1000",
        {"field": "params.limit"})
    err("rate limited", 7, "RATE_LIMITED", "slow down", {"retry_after_ms": 250})
    err("internal", 8, "INTERNAL", "internal error (request 8f2c)")
    return out


def event_vectors():
    out = []

    def ev(name, seq, type_, sec, ns, source, actor, kind, sid, payload):
        body = {"v": 1, "seq": seq, "type": type_, "occurred_at": msgpack.Timestamp(sec, ns), "source": source,
                "actor": actor, "subject": {"kind": kind, "id": sid}, "payload": payload}
        out.append({"name": name, "hex": pack(body).hex(), "event": to_json(body)})

    ev("test state changed", 42, "test.state_changed", 1767323045, 500_000_000, "aegisd-1", "user:ana", "test", "t-17",
       {"from": "planned", "to": "running"})
    ev("system event without actor", 43, "technique.imported", 1767323046, 0, "aegisd-1", None, "technique",
       "T1059.001", {})
    ev("integer subject id", 2**40, "campaign.created", 1767323047, 0, "aegisd-2", "plugin:caldera", "campaign", 9001,
       {"name": "Q1"})
    return out


def write(name, doc):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    codec = codec_vectors()
    names = [c["name"] for c in codec]
    assert len(names) == len(set(names)), "duplicate vector names"
    write("codec.json", {"description": "MessagePack values: hex and tagged JSON; see README.md",
                         "vectors": codec})
    write("envelope.json", {"description": "Request bodies: hex and the parsed envelope or the error code",
                            "vectors": envelope_vectors()})
    write("reply.json", {"description": "Reply bodies as ReplyEnvelope.success/failure must encode them",
                         "vectors": reply_vectors()})
    write("event.json", {"description": "Event bodies as EventEnvelope must encode them", "vectors": event_vectors()})
    print(f"codec {len(codec)}, envelope/reply/event written")


if __name__ == "__main__":
    main()
