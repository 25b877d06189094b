"""COCO run-length encoding of binary masks (the compressed string form pycocotools uses).

Pure numpy so that the API process can decode masks (annotated images, exports) without cv2 or
pycocotools; tests check it against pycocotools byte for byte.

COCO RLE: the mask is flattened in column-major (Fortran) order; counts alternate runs of 0s and 1s,
starting with 0s. The string form packs each count as 5-bit groups (LEB128-like with a sign bit), each
count after the second stored as the difference to the count two before, offset by 48 into ASCII.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def _counts_to_string(counts: list[int]) -> str:
    out: list[str] = []
    for i, count in enumerate(counts):
        x = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def _string_to_counts(text: str) -> list[int]:
    counts: list[int] = []
    position = 0
    while position < len(text):
        x = 0
        shift = 0
        more = True
        while more:
            c = ord(text[position]) - 48
            x |= (c & 0x1F) << shift
            more = (c & 0x20) != 0
            position += 1
            shift += 5
            if not more and (c & 0x10):
                x |= -1 << shift
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def encode(mask: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """{"size": [height, width], "counts": str} of a 2-D mask."""
    height, width = mask.shape
    return encode_crop(np.asarray(mask, dtype=bool), 0, 0, int(width), int(height))


def decode(rle: dict[str, Any]) -> npt.NDArray[np.bool_]:
    """The 2-D boolean mask of a compressed (str) or uncompressed (list) COCO RLE."""
    height, width = (int(v) for v in rle["size"])
    raw = rle["counts"]
    counts = _string_to_counts(raw) if isinstance(raw, str) else [int(c) for c in raw]
    total = height * width
    if sum(counts) != total:
        raise ValueError(f"RLE counts sum to {sum(counts)}, expected {total}")
    values = np.zeros(len(counts), dtype=bool)
    values[1::2] = True
    flat = np.repeat(values, counts)
    return flat.reshape((width, height)).T


def decode_crop(rle: dict[str, Any], box: tuple[int, int, int, int]) -> npt.NDArray[np.bool_]:
    """Only the [x0, x1) x [y0, y1) part of the mask (still decodes the full mask once)."""
    x0, y0, x1, y1 = box
    return np.ascontiguousarray(decode(rle)[y0:y1, x0:x1])


def area(rle: dict[str, Any]) -> int:
    raw = rle["counts"]
    counts = _string_to_counts(raw) if isinstance(raw, str) else [int(c) for c in raw]
    return int(sum(counts[1::2]))


def encode_crop(data: npt.NDArray[np.bool_], x0: int, y0: int, width: int, height: int) -> dict[str, Any]:
    """RLE of a `width` x `height` mask whose set pixels all lie in `data` placed at (x0, y0).

    Works from the set pixels only: never builds the full-image mask.
    """
    cols, rows = np.nonzero(np.asarray(data, dtype=bool).T)  # column-major order of the set pixels
    flat = (cols.astype(np.int64) + x0) * height + (rows.astype(np.int64) + y0)
    total = int(width) * int(height)
    if flat.size == 0:
        return {"size": [int(height), int(width)], "counts": _counts_to_string([total])}
    breaks = np.flatnonzero(np.diff(flat) != 1) + 1
    starts = flat[np.concatenate(([0], breaks))]
    ends = flat[np.concatenate((breaks - 1, [flat.size - 1]))] + 1
    zeros = starts - np.concatenate(([0], ends[:-1]))
    ones = ends - starts
    counts = np.empty(zeros.size * 2, dtype=np.int64)
    counts[0::2], counts[1::2] = zeros, ones
    counts_list = [int(c) for c in counts]
    if total - int(ends[-1]) > 0:
        counts_list.append(total - int(ends[-1]))
    return {"size": [int(height), int(width)], "counts": _counts_to_string(counts_list)}
