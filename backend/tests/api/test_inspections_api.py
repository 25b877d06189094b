"""Inspection API end to end (SQLite, and PostgreSQL when configured): structures and inspections, photos
with EXIF GPS and a printed ArUco marker analysed by a real job worker, the scale override with its
version check, GeoJSON and CSV, the PDF report read back with pypdf, and crack growth between two
inspections (registration in a job, an overlay, and a clear refusal for a pair that cannot be aligned).

The photos are generated: a textured wall with dark cracks drawn from known masks. The predictions are
stored rows holding those masks (the model's output shape), so the numbers are known exactly; the upload
path with a real model is covered by test_upload_predicts_and_keeps_gps.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from app.config import Settings
from app.core.measure import measure_crack
from app.db.migrate import upgrade
from app.db.session import dispose_engines
from app.main import create_app
from tests.helpers.inspection_photos import (
    GPS,
    MARKER_PX,
    MARKER_SIDE_MM,
    crack_mask,
    draw_cracks,
    jpeg,
    marked_photo,
    store_prediction,
    wall,
    with_marker,
)
from tests.helpers.jobs import wait_for_job
from tests.helpers.training import add_trained_model

API = "/api/v1"


# -- API helpers -----------------------------------------------------------------------------------


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def new_structure(client: TestClient, **fields: Any) -> dict[str, Any]:
    return ok(client.post(f"{API}/structures", json={"name": "Bridge 7", "kind": "bridge", **fields}), 201)


def new_inspection(client: TestClient, structure_id: str, day: str, **fields: Any) -> dict[str, Any]:
    body = {"inspected_on": day, "inspector": "A. Engineer", **fields}
    return ok(client.post(f"{API}/structures/{structure_id}/inspections", json=body), 201)


def add_images(client: TestClient, inspection_id: str, prediction_ids: list[str], **fields: Any) -> dict:
    added = ok(
        client.post(
            f"{API}/inspections/{inspection_id}/images", json={"prediction_ids": prediction_ids, **fields}
        )
    )
    assert added["job_id"]
    job = wait_for_job(client, added["job_id"], timeout=180)
    assert job["status"] == "completed", job
    return added


def image(client: TestClient, image_id: str) -> dict[str, Any]:
    return ok(client.get(f"{API}/inspections/images/{image_id}"))


def wait_until(client: TestClient, url: str, field: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = ok(client.get(url))
        if body[field] in ("completed", "failed", "stopped", "cancelled", "interrupted"):
            return body
        time.sleep(0.3)
    raise AssertionError(f"{url} did not finish in {timeout} s")


# -- structures and inspections --------------------------------------------------------------------


def test_structures_and_inspections_over_time(client: TestClient) -> None:
    structure = new_structure(client, notes="North span", marker_side_mm=MARKER_SIDE_MM)
    sid = structure["id"]
    first = new_inspection(client, sid, "2025-05-02")
    second = new_inspection(client, sid, "2026-05-04", marker_side_mm=80)
    assert first["effective_marker_side_mm"] == MARKER_SIDE_MM
    assert second["effective_marker_side_mm"] == 80

    detail = ok(client.get(f"{API}/structures/{sid}"))
    assert [i["id"] for i in detail["inspections"]] == [second["id"], first["id"]]  # newest first
    assert detail["inspection_count"] == 2 and detail["last_inspected_on"] == "2026-05-04"
    listed = ok(client.get(f"{API}/structures"))
    assert [s["id"] for s in listed] == [sid]

    changed = ok(client.patch(f"{API}/structures/{sid}", json={"name": "Bridge 7a", "marker_side_mm": None}))
    assert (
        changed["name"] == "Bridge 7a"
        and changed["marker_side_mm"] is None
        and changed["notes"] == "North span"
    )
    changed = ok(client.patch(f"{API}/inspections/{first['id']}", json={"notes": "after the flood"}))
    assert changed["notes"] == "after the flood" and changed["effective_marker_side_mm"] is None

    ok(client.delete(f"{API}/inspections/{first['id']}"))
    assert client.get(f"{API}/inspections/{first['id']}").status_code == 404
    ok(client.delete(f"{API}/structures/{sid}"))
    assert client.get(f"{API}/inspections/{second['id']}").status_code == 404  # cascaded
    assert client.get(f"{API}/structures/{sid}").status_code == 404


def test_limits_on_every_input(client: TestClient, settings: Settings) -> None:
    assert client.post(f"{API}/structures", json={"name": ""}).status_code == 422
    assert client.post(f"{API}/structures", json={"name": "x" * 201}).status_code == 422
    assert client.post(f"{API}/structures", json={"name": "w", "marker_side_mm": 0}).status_code == 422
    assert client.post(f"{API}/structures", json={"name": "w", "marker_side_mm": 1e6}).status_code == 422
    assert client.post(f"{API}/structures", json={"name": "w", "kind": "spaceship"}).status_code == 422
    sid = new_structure(client)["id"]
    bad_dates = client.post(f"{API}/structures/{sid}/inspections", json={"inspected_on": "yesterday"})
    assert bad_dates.status_code == 422
    assert client.post(f"{API}/structures/{'f' * 65}/inspections", json={}).status_code == 422
    assert (
        client.post(
            f"{API}/structures/{'0' * 32}/inspections", json={"inspected_on": "2026-01-01"}
        ).status_code
        == 404
    )
    iid = new_inspection(client, sid, "2026-01-01")["id"]
    too_many = client.post(f"{API}/inspections/{iid}/images", json={"prediction_ids": ["a" * 32] * 201})
    assert too_many.status_code == 422
    missing = client.post(f"{API}/inspections/{iid}/images", json={"prediction_ids": ["a" * 32]})
    assert missing.status_code == 404 and "does not exist" in missing.json()["detail"]
    pid = store_prediction(settings, jpeg(wall(120, 160, 1)), [], "empty.jpg")
    twice = client.post(f"{API}/inspections/{iid}/images", json={"prediction_ids": [pid, pid]})
    assert twice.status_code == 409
    negative = client.post(
        f"{API}/inspections/{iid}/images", json={"prediction_ids": [pid], "distance_m": -1}
    )
    assert negative.status_code == 422


# -- scale, location, exports ----------------------------------------------------------------------


def test_marker_scale_gps_geojson_and_csv(client: TestClient, settings: Settings) -> None:
    sid = new_structure(client, marker_side_mm=MARKER_SIDE_MM)["id"]
    iid = new_inspection(client, sid, "2026-05-04")["id"]
    marked = marked_photo(settings)
    bare = store_prediction(
        settings, jpeg(wall(300, 400, 4)), [crack_mask((300, 400), [(50, 50), (250, 60)], 3)], "bare.jpg"
    )
    added = add_images(client, iid, [marked, bare], element_label="Pier 3")
    by_prediction = {i["prediction_id"]: i["id"] for i in added["images"]}

    located = image(client, by_prediction[marked])
    assert located["analysis_status"] == "completed"
    scale = located["scale"]
    assert scale["source"] == "marker" and scale["choice"] == "auto"
    assert scale["mm_per_px"] == pytest.approx(MARKER_SIDE_MM / MARKER_PX, rel=0.02)
    assert scale["uncertainty_pct"] is not None and scale["uncertainty_pct"] < 5
    assert located["location"]["latitude"] == pytest.approx(GPS[0], abs=1e-5)
    assert located["location"]["longitude"] == pytest.approx(GPS[1], abs=1e-5)
    assert located["camera"]["make"] == "TestCam"
    crack = located["cracks"][0]
    assert crack["length_mm"] == pytest.approx(crack["length_px"] * scale["mm_per_px"], rel=1e-3)
    assert crack["length_mm"] == pytest.approx(300 * 0.25, rel=0.05)
    assert crack["width_p95_mm"] < 1.6 and crack["severity"] == "narrow"  # about 3 px * 0.25 mm
    assert located["element_label"] == "Pier 3"

    unlocated = image(client, by_prediction[bare])
    assert unlocated["analysis_status"] == "completed"
    assert unlocated["location"] is None and unlocated["scale"]["mm_per_px"] is None
    notes = " ".join(unlocated["scale"]["notes"])
    assert "GPS" in notes and "Marker" in notes and "Camera" in notes
    assert all(c["length_mm"] is None for c in unlocated["cracks"])

    geojson = client.get(f"{API}/inspections/{iid}/cracks.geojson")
    assert geojson.status_code == 200 and geojson.headers["content-type"].startswith("application/geo+json")
    collection = geojson.json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
    point = next(f for f in collection["features"] if f["properties"]["image"] == "pier-3.jpg")
    assert point["geometry"]["type"] == "Point"
    longitude, latitude = point["geometry"]["coordinates"]  # RFC 7946: longitude first
    assert (latitude, longitude) == (pytest.approx(GPS[0], abs=1e-6), pytest.approx(GPS[1], abs=1e-6))
    assert point["properties"]["length_mm"] == pytest.approx(crack["length_mm"], abs=1e-3)
    assert point["properties"]["scale_source"] == "marker"
    assert (
        next(f for f in collection["features"] if f["properties"]["image"] == "bare.jpg")["geometry"] is None
    )

    table = list(csv.DictReader(io.StringIO(client.get(f"{API}/inspections/{iid}/cracks.csv").text)))
    assert len(table) == 2
    row = next(r for r in table if r["image"] == "pier-3.jpg")
    assert float(row["latitude"]) == pytest.approx(GPS[0], abs=1e-6)
    assert float(row["longitude"]) == pytest.approx(GPS[1], abs=1e-6)
    assert next(r for r in table if r["image"] == "bare.jpg")["latitude"] == ""

    over_time = ok(client.get(f"{API}/structures/{sid}"))["inspections"][0]
    assert over_time["crack_count"] == 2 and over_time["image_count"] == 2
    assert over_time["total_length_mm"] == pytest.approx(crack["length_mm"], abs=1e-3)  # the scaled one only

    points = ok(client.get(f"{API}/structures/{sid}/map"))
    assert [p["image_id"] for p in points["points"]] == [by_prediction[marked]]
    assert points["points"][0]["worst_severity"] == crack["severity"] and points["without_location"] == 1
    assert ok(client.get(f"{API}/inspections/map-settings")) == {"tile_url": None, "attribution": None}


def test_the_marker_family_is_the_structures(client: TestClient, settings: Settings) -> None:
    photo = jpeg(with_marker(wall(400, 500, 8), 40, 40, cv2.aruco.DICT_APRILTAG_36h11))
    found = {}
    for family in (None, "DICT_APRILTAG_36h11"):
        body = {"marker_side_mm": MARKER_SIDE_MM, "marker_dictionary": family}
        structure = new_structure(client, **body)
        assert structure["marker_dictionary"] == family
        iid = new_inspection(client, structure["id"], "2026-05-04")["id"]
        pid = store_prediction(settings, photo, [], "apriltag.jpg")
        found[family] = image(client, add_images(client, iid, [pid])["images"][0]["id"])["scale"]
    # The default family (4x4) does not see an AprilTag: no scale, and a note says why.
    assert found[None]["mm_per_px"] is None
    assert any(note.startswith("Marker:") for note in found[None]["notes"])
    tagged = found["DICT_APRILTAG_36h11"]
    assert tagged["source"] == "marker"
    assert tagged["mm_per_px"] == pytest.approx(MARKER_SIDE_MM / MARKER_PX, rel=0.02)
    assert (
        client.post(f"{API}/structures", json={"name": "x", "marker_dictionary": "DICT_9X9_1"}).status_code
        == 422
    )


def test_manual_override_conflict_and_stale_write(client: TestClient, settings: Settings) -> None:
    sid = new_structure(client, marker_side_mm=MARKER_SIDE_MM)["id"]
    iid = new_inspection(client, sid, "2026-05-04")["id"]
    marked = marked_photo(settings)
    image_id = add_images(client, iid, [marked])["images"][0]["id"]
    current = image(client, image_id)
    version = current["version"]

    # A typed-in value 40 % off the marker's: auto keeps the marker and flags the conflict with both values.
    changed = ok(
        client.patch(
            f"{API}/inspections/images/{image_id}", json={"version": version, "manual_mm_per_px": 0.35}
        )
    )
    assert changed["version"] == version + 1
    assert changed["scale"]["source"] == "marker" and changed["scale"]["conflict"] is True
    assert {c["source"] for c in changed["scale"]["candidates"]} == {"marker", "manual"}

    stale = client.patch(
        f"{API}/inspections/images/{image_id}", json={"version": version, "scale_choice": "manual"}
    )
    assert stale.status_code == 409 and "stale" in stale.json()["detail"]
    assert image(client, image_id)["scale"]["source"] == "marker"  # the stale write changed nothing

    chosen = ok(
        client.patch(
            f"{API}/inspections/images/{image_id}",
            json={"version": changed["version"], "scale_choice": "manual"},
        )
    )
    assert chosen["scale"]["source"] == "manual" and chosen["scale"]["mm_per_px"] == 0.35
    assert chosen["scale"]["conflict"] is False  # the user decided
    crack = chosen["cracks"][0]
    assert crack["length_mm"] == pytest.approx(crack["length_px"] * 0.35, rel=1e-3)

    refused = client.patch(
        f"{API}/inspections/images/{image_id}", json={"version": chosen["version"], "manual_mm_per_px": 5000}
    )
    assert refused.status_code == 422
    no_value = store_prediction(settings, jpeg(wall(200, 200, 9)), [], "plain.jpg")
    plain_id = add_images(client, iid, [no_value])["images"][0]["id"]
    plain = image(client, plain_id)
    needs_value = client.patch(
        f"{API}/inspections/images/{plain_id}", json={"version": plain["version"], "scale_choice": "manual"}
    )
    assert needs_value.status_code == 400 and "manual_mm_per_px" in needs_value.json()["detail"]


# -- reports ---------------------------------------------------------------------------------------


def test_report_pdf_and_html(client: TestClient, settings: Settings) -> None:
    sid = new_structure(client, name="Harbour Wall", marker_side_mm=MARKER_SIDE_MM)["id"]
    iid = new_inspection(client, sid, "2026-05-04", notes="Spring visit")["id"]
    marked = marked_photo(settings)
    add_images(client, iid, [marked], element_label="Pier 3")

    queued = ok(client.post(f"{API}/inspections/{iid}/reports"), 202)
    assert queued["status"] in ("queued", "running", "completed")
    report = wait_until(client, f"{API}/inspections/reports/{queued['id']}", "status")
    assert report["status"] == "completed", report
    assert report["pdf_url"] and report["html_url"] and report["size_bytes"] > 0

    pdf = client.get(report["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3  # cover, summary, one page for the image (and the model)
    for expected in ("Harbour Wall", "2026-05-04", "A. Engineer", "pier-3.jpg", "wall-cracks", "marker"):
        assert expected in text, expected
    assert "52.52" in text  # the location

    html = client.get(report["html_url"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Harbour Wall" in html.text and "pier-3.jpg" in html.text

    listed = ok(client.get(f"{API}/inspections/{iid}"))["reports"]
    assert [r["id"] for r in listed] == [report["id"]]
    not_ready = client.get(f"{API}/inspections/reports/{'0' * 32}/file")
    assert not_ready.status_code == 404
    ok(client.delete(f"{API}/inspections/reports/{report['id']}"))
    assert not any((settings.data_dir / "inspections" / iid / "reports").iterdir())


# -- growth ----------------------------------------------------------------------------------------


def growth_pair(settings: Settings) -> tuple[str, str, float, float]:
    """Old photo: one crack. New photo: the same wall rotated 3 degrees and scaled 1.05, the crack
    longer and wider, and one new crack. Returns the prediction ids and the crack's lengths in mm at
    0.5 mm per old pixel."""
    shape = (600, 800)
    base = wall(*shape, seed=11)
    old_mask = crack_mask(shape, [(200, 250), (420, 290)], 4)
    grown = crack_mask(shape, [(200, 250), (420, 290), (520, 330)], 6)
    extra = crack_mask(shape, [(250, 450), (450, 470)], 4)
    transform = cv2.getRotationMatrix2D((400, 300), 3.0, 1.05)

    def warp(image: np.ndarray, nearest: bool = False) -> np.ndarray:
        flags = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
        return cv2.warpAffine(image, transform, shape[::-1], flags=flags, borderMode=cv2.BORDER_REFLECT)

    new_masks = [warp(m.astype(np.uint8), nearest=True).astype(bool) for m in (grown, extra)]
    old_id = store_prediction(settings, jpeg(draw_cracks(base, [old_mask])), [old_mask], "pier-3-2025.jpg")
    new_id_ = store_prediction(
        settings, jpeg(draw_cracks(warp(base), new_masks)), new_masks, "pier-3-2026.jpg"
    )
    before = measure_crack(old_mask)["length_px"] * 0.5
    after = measure_crack(grown)["length_px"] * 0.5
    return old_id, new_id_, before, after


def set_manual(client: TestClient, image_id: str, mm_per_px: float) -> None:
    version = image(client, image_id)["version"]
    body = {"version": version, "manual_mm_per_px": mm_per_px, "scale_choice": "manual"}
    ok(client.patch(f"{API}/inspections/images/{image_id}", json=body))


def test_growth_between_inspections(client: TestClient, settings: Settings) -> None:
    sid = new_structure(client)["id"]
    old_insp = new_inspection(client, sid, "2025-05-02")["id"]
    new_insp = new_inspection(client, sid, "2026-05-04")["id"]
    old_pid, new_pid, before_mm, after_mm = growth_pair(settings)
    old_image = add_images(client, old_insp, [old_pid], element_label="Pier 3")["images"][0]["id"]
    new_image = add_images(client, new_insp, [new_pid], element_label="Pier 3")["images"][0]["id"]
    set_manual(client, old_image, 0.5)
    set_manual(client, new_image, 0.5 / 1.05)  # the new photo is 5 % closer

    swapped = client.post(
        f"{API}/inspections/growth", json={"old_image_id": new_image, "new_image_id": old_image}
    )
    assert swapped.status_code == 400 and "swap" in swapped.json()["detail"]

    queued = ok(
        client.post(f"{API}/inspections/growth", json={"old_image_id": old_image, "new_image_id": new_image}),
        202,
    )
    done = wait_until(client, f"{API}/inspections/growth/{queued['id']}", "status")
    assert done["status"] == "completed", done
    result = done["result"]
    assert result["in_mm"] is True and result["quality"] > 0.3
    assert (result["matched"], result["new"], result["disappeared"]) == (1, 1, 0)
    matched = next(c for c in result["changes"] if c["status"] == "matched")
    assert matched["old_id"] == 0 and matched["new_id"] == 0
    assert matched["length_change_mm"] == pytest.approx(after_mm - before_mm, rel=0.05)
    assert matched["width_change_mm"] > 0
    assert done["element_label"] == "Pier 3" and done["old_inspected_on"] == "2025-05-02"

    overlay = client.get(done["overlay_url"])
    assert overlay.status_code == 200 and overlay.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(overlay.content)).size == (800, 600)
    assert [g["id"] for g in ok(client.get(f"{API}/inspections/{new_insp}"))["growth"]] == [done["id"]]

    # In the report: a growth section with the per-crack table.
    report = ok(client.post(f"{API}/inspections/{new_insp}/reports"), 202)
    report = wait_until(client, f"{API}/inspections/reports/{report['id']}", "status")
    assert report["status"] == "completed", report
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(client.get(report["pdf_url"]).content)).pages
    )
    assert "Growth: Pier 3" in text and "pier-3-2025.jpg" in text and "2025-05-02" in text
    assert "matched" in text and "new" in text

    # Taking the new photo out of its inspection removes the comparison and its overlay file.
    overlays = list((settings.data_dir / "inspections" / new_insp / "growth").glob("*.png"))
    assert len(overlays) == 1
    ok(client.delete(f"{API}/inspections/images/{new_image}"))
    assert client.get(f"{API}/inspections/growth/{done['id']}").status_code == 404
    assert not overlays[0].exists()


def test_growth_refuses_what_cannot_be_aligned(client: TestClient, settings: Settings) -> None:
    sid = new_structure(client)["id"]
    first = new_inspection(client, sid, "2025-05-02")["id"]
    second = new_inspection(client, sid, "2026-05-04")["id"]
    # Two photos of different walls (someone picked the wrong one): nothing to align them by.
    mask = crack_mask((400, 400), [(100, 100), (300, 120)], 4)
    a = store_prediction(settings, jpeg(draw_cracks(wall(400, 400, 21), [mask])), [mask], "a.jpg")
    b = store_prediction(settings, jpeg(wall(400, 400, 22)), [mask], "b.jpg")
    old_image = add_images(client, first, [a], element_label="Abutment")["images"][0]["id"]
    new_image = add_images(client, second, [b])["images"][0]["id"]

    unlabelled = client.post(
        f"{API}/inspections/growth", json={"old_image_id": old_image, "new_image_id": new_image}
    )
    assert unlabelled.status_code == 409 and "element label" in unlabelled.json()["detail"]
    version = image(client, new_image)["version"]
    ok(
        client.patch(
            f"{API}/inspections/images/{new_image}", json={"version": version, "element_label": "Abutment"}
        )
    )

    queued = ok(
        client.post(f"{API}/inspections/growth", json={"old_image_id": old_image, "new_image_id": new_image}),
        202,
    )
    done = wait_until(client, f"{API}/inspections/growth/{queued['id']}", "status")
    assert done["status"] == "failed" and "could not be aligned" in done["error"]
    assert done["result"] is None and done["overlay_url"] is None
    overlay = client.get(f"{API}/inspections/growth/{done['id']}/overlay")
    assert overlay.status_code == 409 and "could not be aligned" in overlay.json()["detail"]
    assert image(client, old_image)["analysis_status"] == "completed"  # nothing else lost


# -- upload with a real model ----------------------------------------------------------------------


@pytest.fixture
def model_client(sqlite_settings: Settings, trained_yolo_weights: Path) -> Any:
    model_id = add_trained_model(sqlite_settings, trained_yolo_weights)
    with TestClient(create_app(sqlite_settings)) as client:
        yield client, model_id


def test_upload_predicts_and_keeps_gps(model_client: Any) -> None:
    client, model_id = model_client
    sid = new_structure(client)["id"]
    iid = new_inspection(client, sid, "2026-05-04")["id"]
    photo = jpeg(draw_cracks(wall(240, 320, 5), [crack_mask((240, 320), [(40, 60), (280, 90)], 5)]), GPS)
    response = client.post(
        f"{API}/inspections/images/upload",
        files=[
            ("files", ("drone.jpg", photo, "image/jpeg")),
            ("files", ("broken.jpg", b"not an image", "image/jpeg")),
        ],
        data={
            "inspection_id": iid,
            "model_id": model_id,
            "conf": "0.001",
            "element_label": "Deck",
            "distance_m": "2.5",
        },
    )
    added = ok(response)
    assert [i["image_name"] for i in added["images"]] == ["drone.jpg"]
    assert [f["image_name"] for f in added["failures"]] == ["broken.jpg"]
    assert wait_for_job(client, added["job_id"], timeout=180)["status"] == "completed"
    uploaded = image(client, added["images"][0]["id"])
    assert uploaded["element_label"] == "Deck" and uploaded["distance_m"] == 2.5
    assert uploaded["location"]["latitude"] == pytest.approx(GPS[0], abs=1e-5)
    # The camera is unknown (no focal length): the EXIF source says why; the manual path stays open.
    assert any("Camera (EXIF)" in note for note in uploaded["scale"]["notes"])
    features = client.get(f"{API}/inspections/{iid}/cracks.geojson").json()["features"]
    assert all(
        f["geometry"]["coordinates"] == [pytest.approx(GPS[1], abs=1e-6), pytest.approx(GPS[0], abs=1e-6)]
        for f in features
    )


def test_upload_refuses_an_unknown_inspection(sqlite_settings: Settings) -> None:
    upgrade(sqlite_settings.resolved_database_url)
    noise = np.random.default_rng(0).integers(0, 255, (1500, 2000, 3), dtype=np.uint8)
    big = jpeg(noise)
    assert len(big) > 2 * 1024**2
    with TestClient(create_app(sqlite_settings)) as client:
        response = client.post(
            f"{API}/inspections/images/upload",
            # A drone photo is several MB: the route takes more than the 1 MiB of ordinary requests.
            files=[("files", ("big.jpg", big, "image/jpeg"))],
            data={"inspection_id": "0" * 32, "model_id": "m" * 32},
        )
    assert response.status_code == 404, response.text
    assert "Inspection" in response.json()["detail"]
    dispose_engines()
