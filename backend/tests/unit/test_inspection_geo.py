"""Cracks on the map: GPS written into generated JPEGs comes back in valid GeoJSON and in the CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.core.inspection.geo import (
    CSV_COLUMNS,
    GeoCrack,
    GeoImage,
    cracks_csv,
    cracks_geojson,
    images_geojson,
)
from app.core.inspection.metadata import read_photo_metadata
from app.core.measure import measure_crack
from app.data.synthetic import render_crack_image
from tests.helpers.inspection_exif import write_photo
from tests.helpers.inspection_geojson import geojson_problems

PLACES = {"berlin.jpg": (52.52, 13.405, 41.0), "sydney.jpg": (-33.8568, 151.2153, 3.5), "indoor.jpg": None}
MM_PER_PX = 0.4


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> list[GeoImage]:
    """Three photos (two with GPS), each with synthetic cracks measured by the app's measurement code."""
    folder = tmp_path_factory.mktemp("survey")
    images = []
    for seed, (name, gps) in enumerate(PLACES.items(), start=1):
        meta = read_photo_metadata(write_photo(folder / name, gps=gps, seed=seed))
        _, masks = render_crack_image(np.random.default_rng(seed), 256, 256, n_cracks=seed, max_width=10)
        cracks = [
            GeoCrack.from_measurement(index, measure_crack(mask, mm_per_px=MM_PER_PX), confidence=0.9)
            for index, mask in enumerate(masks, start=1)
        ]
        images.append(
            GeoImage(
                image=name,
                latitude=meta.latitude,
                longitude=meta.longitude,
                altitude_m=meta.altitude_m,
                cracks=cracks,
                image_id=seed,
                mm_per_px=MM_PER_PX,
                scale_source="manual",
                structure="Bridge 7",
                inspection="2026-05-14",
            )
        )
    return images


def test_geojson_is_valid_and_carries_the_written_gps(survey: list[GeoImage]) -> None:
    document = cracks_geojson(survey)
    assert geojson_problems(document) == []
    assert geojson_problems(json.loads(json.dumps(document))) == []
    features = document["features"]
    assert len(features) == sum(len(image.cracks) for image in survey) == 6
    for feature in features:
        gps = PLACES[feature["properties"]["image"]]
        if gps is None:
            assert feature["geometry"] is None  # kept, but not placed
            continue
        latitude, longitude, altitude = gps
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == [
            pytest.approx(longitude, abs=1e-6),
            pytest.approx(latitude, abs=1e-6),
        ]
        assert feature["properties"]["altitude_m"] == pytest.approx(altitude, abs=0.01)


def test_geojson_properties_are_the_measurements(survey: list[GeoImage]) -> None:
    features = cracks_geojson(survey, include_unlocated=False)["features"]
    assert {f["properties"]["image"] for f in features} == {"berlin.jpg", "sydney.jpg"}
    sydney = [f["properties"] for f in features if f["properties"]["image"] == "sydney.jpg"]
    cracks = survey[1].cracks
    assert [p["crack_id"] for p in sydney] == [1, 2]
    for props, crack in zip(sydney, cracks, strict=True):
        assert props["length_mm"] == pytest.approx(crack.length_mm, abs=1e-3)
        assert props["max_width_mm"] == pytest.approx(crack.max_width_mm, abs=1e-3)
        assert props["severity"] == crack.severity in ("narrow", "moderate", "wide")
        assert props["length_mm"] == pytest.approx(props["length_px"] * MM_PER_PX, abs=0.01)
        assert props["structure"] == "Bridge 7" and props["scale_source"] == "manual"


def test_validator_catches_swapped_coordinates(survey: list[GeoImage]) -> None:
    """The validator can fail: Sydney in [latitude, longitude] order puts latitude at 151 degrees."""
    document = cracks_geojson(survey[1:2])
    for feature in document["features"]:
        feature["geometry"]["coordinates"].reverse()
    problems = geojson_problems(document)
    assert problems and all(p.startswith("features[") and "latitude 151.2" in p for p in problems), problems


def test_images_geojson_colours_by_worst_severity(survey: list[GeoImage]) -> None:
    document = images_geojson(survey)
    assert geojson_problems(document) == []
    by_name = {f["properties"]["image"]: f["properties"] for f in document["features"]}
    assert set(by_name) == {"berlin.jpg", "sydney.jpg"}  # the photo without GPS cannot be placed
    for image in survey[:2]:
        props = by_name[image.image]
        assert props["crack_count"] == len(image.cracks)
        order = ["narrow", "moderate", "wide"]
        assert props["worst_severity"] == max((c.severity for c in image.cracks), key=order.index)
        assert props["total_length_mm"] == pytest.approx(sum(c.length_mm for c in image.cracks), abs=0.01)


def test_csv_has_latitude_and_longitude_per_crack(survey: list[GeoImage]) -> None:
    rows = list(csv.DictReader(io.StringIO(cracks_csv(survey))))
    assert len(rows) == 6
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    for row in rows:
        gps = PLACES[row["image"]]
        if gps is None:
            assert row["latitude"] == row["longitude"] == ""
        else:
            assert float(row["latitude"]) == pytest.approx(gps[0], abs=1e-6)
            assert float(row["longitude"]) == pytest.approx(gps[1], abs=1e-6)
        assert float(row["length_mm"]) > 0 and row["severity"] in ("narrow", "moderate", "wide")


def test_csv_defuses_spreadsheet_formulas() -> None:
    image = GeoImage(
        image='=HYPERLINK("http://evil")', latitude=1.0, longitude=2.0, cracks=[GeoCrack(crack_id="-1")]
    )
    row = next(csv.DictReader(io.StringIO(cracks_csv([image]))))
    assert row["image"].startswith("'=") and row["crack_id"] == "'-1"
    assert float(row["longitude"]) == 2.0


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(float("nan"), 1.0), (91.0, 1.0), (1.0, 181.0), (None, 1.0)]
)
def test_impossible_positions_export_without_a_point(latitude: float | None, longitude: float) -> None:
    image = GeoImage(image="x.jpg", latitude=latitude, longitude=longitude, cracks=[GeoCrack(crack_id=1)])
    document = cracks_geojson([image])
    assert geojson_problems(document) == [] and document["features"][0]["geometry"] is None
    assert not image.located


def test_empty_survey_is_an_empty_collection(tmp_path: Path) -> None:
    assert cracks_geojson([]) == {"type": "FeatureCollection", "features": []}
    assert cracks_csv([]).strip() == ",".join(CSV_COLUMNS)


def test_geo_scale_choice_and_html_report_import_no_heavy_library() -> None:
    """The API process may build GeoJSON, CSV and the HTML report: those modules import no numpy or cv2."""
    code = (
        "import sys, app.core.inspection.geo, app.core.inspection.report_html, app.core.inspection.cameras, "
        "app.core.inspection.scale_choice; "
        "print(sorted(m for m in ('cv2', 'numpy', 'PIL', 'reportlab', 'skimage') if m in sys.modules))"
    )
    backend = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=backend, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
