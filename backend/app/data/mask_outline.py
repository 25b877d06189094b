"""Outlines of a binary mask as polygons, in pure numpy (the API process has no OpenCV).

Used where a mask painted with a brush (COCO RLE) must become YOLO-seg polygons or COCO polygons. The
outline follows pixel edges exactly: every boundary edge of a foreground pixel is a directed segment on
the pixel-corner grid, oriented so that the foreground lies on its right (clockwise on screen); chaining
them, turning right first where two pixels touch only at a corner, gives one closed loop per outer
boundary of each 4-connected part and one per hole. Holes (anticlockwise loops) are dropped: a YOLO-seg
line is one simple polygon. Collinear corners are removed, so a rectangle is 4 points.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Point = tuple[int, int]
# Direction of travel as (dx, dy) on screen (y down), and the order to try at a corner: right, straight, left.
_RIGHT_TURN = {(1, 0): (0, 1), (0, 1): (-1, 0), (-1, 0): (0, -1), (0, -1): (1, 0)}
_LEFT_TURN = {value: key for key, value in _RIGHT_TURN.items()}


def _edges(mask: npt.NDArray[np.bool_]) -> dict[Point, list[Point]]:
    """start corner -> directions of the boundary edges leaving it."""
    padded = np.pad(mask.astype(bool), 1)
    inner = padded[1:-1, 1:-1]
    outgoing: dict[Point, list[Point]] = {}
    # (neighbour slice, edge start offset (dx, dy) from the pixel's top-left corner, direction)
    sides = (
        (padded[:-2, 1:-1], (0, 0), (1, 0)),  # top edge, walking right
        (padded[1:-1, 2:], (1, 0), (0, 1)),  # right edge, walking down
        (padded[2:, 1:-1], (1, 1), (-1, 0)),  # bottom edge, walking left
        (padded[1:-1, :-2], (0, 1), (0, -1)),  # left edge, walking up
    )
    for neighbour, (ox, oy), direction in sides:
        rows, cols = np.nonzero(inner & ~neighbour)
        for x, y in zip((cols + ox).tolist(), (rows + oy).tolist(), strict=True):
            outgoing.setdefault((x, y), []).append(direction)
    return outgoing


def _next_direction(choices: list[Point], heading: Point) -> Point:
    for candidate in (_RIGHT_TURN[heading], heading, _LEFT_TURN[heading]):
        if candidate in choices:
            return candidate
    return choices[0]


def _trace(outgoing: dict[Point, list[Point]], start: Point) -> list[Point]:
    """One closed loop from `start`, consuming its edges; corners where the direction changes."""
    corners: list[Point] = []
    point, heading = start, outgoing[start][0]
    while True:
        choices = outgoing.get(point)
        if not choices:
            break
        direction = _next_direction(choices, heading) if corners else heading
        choices.remove(direction)
        if not choices:
            del outgoing[point]
        if not corners or direction != heading:
            corners.append(point)
        heading = direction
        point = (point[0] + direction[0], point[1] + direction[1])
        if point == start and start not in outgoing:
            break
    if len(corners) > 1 and corners[0] == corners[-1]:
        corners.pop()
    return corners


def _signed_area(points: list[Point]) -> float:
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    return float(np.dot(xs, np.roll(ys, -1)) - np.dot(np.roll(xs, -1), ys)) / 2.0


def mask_outlines(mask: npt.NDArray[np.bool_], min_area: float = 1.0) -> list[list[Point]]:
    """Outer boundaries of the mask's 4-connected parts as polygons of pixel corners, largest first."""
    outgoing = _edges(mask)
    loops: list[tuple[float, list[Point]]] = []
    while outgoing:
        start = min(outgoing)  # deterministic: the top-left-most remaining corner
        loop = _trace(outgoing, start)
        if len(loop) >= 3:
            area = _signed_area(loop)
            if area >= min_area:  # clockwise on screen: an outer boundary (holes come out negative)
                loops.append((area, loop))
    loops.sort(key=lambda item: -item[0])
    return [loop for _area, loop in loops]


def fill_polygons(
    polygons: list[list[tuple[float, float]]], width: int, height: int
) -> npt.NDArray[np.bool_]:
    """The pixels whose centre lies inside any of the polygons (even-odd rule per polygon), scanline by
    scanline: the inverse of `mask_outlines` for a mask without holes."""
    filled = np.zeros((height, width), dtype=bool)
    for polygon in polygons:
        points = np.asarray(polygon, dtype=np.float64)
        if len(points) < 3:
            continue
        x1, y1 = points[:, 0], points[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        sloped = y1 != y2
        x1, y1, x2, y2 = x1[sloped], y1[sloped], x2[sloped], y2[sloped]
        low, high = np.minimum(y1, y2), np.maximum(y1, y2)
        top = max(int(np.floor(low.min() - 0.5)), 0) if len(low) else height
        bottom = min(int(np.ceil(high.max() + 0.5)), height) if len(high) else 0
        for row in range(top, bottom):
            centre = row + 0.5
            crossing = (low <= centre) & (centre < high)
            xs = np.sort(
                x1[crossing]
                + (centre - y1[crossing]) * (x2[crossing] - x1[crossing]) / (y2[crossing] - y1[crossing])
            )
            for start, end in zip(xs[0::2], xs[1::2], strict=False):
                first, last = max(int(np.ceil(start - 0.5)), 0), min(int(np.ceil(end - 0.5)), width)
                if last > first:
                    filled[row, first:last] = True
    return filled
