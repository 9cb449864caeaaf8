"""Read and write the safetensors format by hand (no third-party package).

Layout of a file:

    8 bytes      little-endian unsigned header length N
    N bytes      JSON header: {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
                               "__metadata__": {"key": "string value", ...}}
    rest         the byte buffer; each tensor's raw little-endian bytes lie at
                 [begin, end) relative to the start of the buffer

The header is padded with spaces to a multiple of 8 bytes, as the reference implementation does.
"""

import json
import struct

import numpy as np

# safetensors dtype name -> little-endian numpy dtype
DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}

class SafetensorsError(ValueError):
    """A file is not valid safetensors, or a tensor cannot be stored in it."""


def dtype_name(array):
    """The safetensors dtype name of a numpy array (raises for unsupported dtypes)."""
    little = array.dtype.newbyteorder("<")
    for name, known in DTYPES.items():
        if known == little:
            return name
    raise SafetensorsError(f"unsupported dtype {array.dtype}")


def encode(tensors, metadata=None):
    """Serialise a dict name -> numpy array (and optional str -> str metadata) to bytes.

    Tensors are laid out in name order; the header is padded with spaces to a multiple of 8.
    """
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        if name == "__metadata__":
            raise SafetensorsError("'__metadata__' is reserved")
        array = np.asarray(tensors[name])
        kind = dtype_name(array)
        raw = np.ascontiguousarray(array, dtype=DTYPES[kind]).tobytes()
        header[name] = {
            "dtype": kind,
            "shape": [int(d) for d in array.shape],
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise SafetensorsError(f"metadata must map str to str, got {key!r}: {value!r}")
        header = {"__metadata__": dict(metadata), **header}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write(path, tensors, metadata=None):
    """Write a dict name -> numpy array to `path` as safetensors."""
    data = encode(tensors, metadata)
    with open(path, "wb") as handle:
        handle.write(data)
    return len(data)


def decode(data, source="<bytes>"):
    """Parse safetensors bytes into (dict name -> numpy array, metadata dict).

    Checks the header length, dtypes, that each tensor's byte range matches its shape and lies inside
    the buffer, and that the ranges tile the buffer without gaps or overlaps.
    """
    if len(data) < 8:
        raise SafetensorsError(f"{source}: shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise SafetensorsError(f"{source}: header length {length} exceeds file size {len(data)}")
    try:
        header = json.loads(data[8:8 + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SafetensorsError(f"{source}: header is not JSON: {err}") from err
    if not isinstance(header, dict):
        raise SafetensorsError(f"{source}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    buffer = memoryview(data)[8 + length:]
    tensors = {}
    ranges = []
    for name, info in header.items():
        kind = info.get("dtype")
        if kind not in DTYPES:
            raise SafetensorsError(f"{source}: tensor {name!r} has unsupported dtype {kind!r}")
        shape = [int(d) for d in info["shape"]]
        begin, end = (int(x) for x in info["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64))
        if end - begin != count * DTYPES[kind].itemsize or begin < 0 or end > len(buffer):
            raise SafetensorsError(
                f"{source}: tensor {name!r} byte range [{begin}, {end}) does not fit "
                f"dtype {kind} shape {shape} in a buffer of {len(buffer)} bytes")
        raw = bytes(buffer[begin:end])
        tensors[name] = np.frombuffer(raw, dtype=DTYPES[kind]).reshape(shape).copy()
        ranges.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(ranges):
        if begin != position:
            raise SafetensorsError(f"{source}: gap or overlap before tensor {name!r} at byte {begin}")
        position = end
    if position != len(buffer):
        raise SafetensorsError(f"{source}: {len(buffer) - position} trailing bytes after the last tensor")
    return tensors, metadata


def read(path):
    """Read a safetensors file: returns (dict name -> numpy array, metadata dict)."""
    with open(path, "rb") as handle:
        return decode(handle.read(), source=str(path))
