"""A structural GeoJSON validator (RFC 7946) for the objects the app writes: FeatureCollections of Features
with Point (or null) geometries. Returns the list of problems; an empty list means valid.

Checked: `type` members; a FeatureCollection's `features` array; each Feature's `geometry` (object or
null) and `properties` (object or null); Point coordinates as 2 or 3 finite numbers in [longitude,
latitude(, altitude)] order within WGS 84 bounds; other geometry types' `coordinates` nesting; no
member named `coordinates` or `geometry` outside its place; the whole document serialisable as strict JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

GEOMETRY_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def geojson_problems(document: Any) -> list[str]:
    problems: list[str] = []
    try:
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as exc:
        problems.append(f"not strict JSON: {exc}")
    if not isinstance(document, dict):
        return [*problems, "the document is not an object"]
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            return [*problems, "FeatureCollection without a features array"]
        for index, feature in enumerate(features):
            problems += [f"features[{index}]: {p}" for p in _feature_problems(feature)]
    elif kind == "Feature":
        problems += _feature_problems(document)
    elif kind in GEOMETRY_DEPTH or kind == "GeometryCollection":
        problems += _geometry_problems(document)
    else:
        problems.append(f"unknown type {kind!r}")
    return problems


def _feature_problems(feature: Any) -> list[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return ["not a Feature object"]
    problems = []
    if "geometry" not in feature:
        problems.append("no geometry member")
    elif feature["geometry"] is not None:
        problems += _geometry_problems(feature["geometry"])
    if "properties" not in feature:
        problems.append("no properties member")
    elif feature["properties"] is not None and not isinstance(feature["properties"], dict):
        problems.append("properties is neither an object nor null")
    if "id" in feature and not isinstance(feature["id"], str | int | float):
        problems.append("id is neither a string nor a number")
    return problems


def _geometry_problems(geometry: Any) -> list[str]:
    if not isinstance(geometry, dict):
        return ["geometry is not an object"]
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            return ["GeometryCollection without geometries"]
        return [p for member in members for p in _geometry_problems(member)]
    if kind not in GEOMETRY_DEPTH:
        return [f"unknown geometry type {kind!r}"]
    return _coordinate_problems(geometry.get("coordinates"), GEOMETRY_DEPTH[kind])


def _coordinate_problems(value: Any, depth: int) -> list[str]:
    if depth == 0:
        return _position_problems(value)
    if not isinstance(value, list) or not value:
        return ["coordinates are not a non-empty array"]
    return [p for item in value for p in _coordinate_problems(item, depth - 1)]


def _position_problems(position: Any) -> list[str]:
    if not isinstance(position, list) or len(position) not in (2, 3):
        return [f"position {position!r} is not an array of 2 or 3 numbers"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in position):
        return [f"position {position!r} holds a non-number"]
    longitude, latitude = position[0], position[1]
    problems = []
    if not -180.0 <= longitude <= 180.0:
        problems.append(f"longitude {longitude} out of range")
    if not -90.0 <= latitude <= 90.0:
        problems.append(f"latitude {latitude} out of range")
    return problems
