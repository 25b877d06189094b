"""Dataset curation routes: an image's annotations (ETag / If-Match), the review queue, and predictions
taken into a dataset as pre-labels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.api.deps import SettingsDep
from app.api.errors import error_responses
from app.schemas.annotations import (
    AnnotationConflict,
    AnnotationsUpdate,
    ImageAnnotations,
    PredictionsToDataset,
    PredictionsToDatasetResult,
    ReviewQueue,
)
from app.services import annotations as service
from app.services import annotations_intake, review_queue

router = APIRouter(prefix="/datasets", tags=["annotations"])

DatasetId = Annotated[str, Path(min_length=1, max_length=64, description="Dataset id")]
ImageId = Annotated[str, Path(min_length=1, max_length=1400, description="Image id from the images list")]


@router.get(
    "/{dataset_id}/images/{image_id}/annotations",
    response_model=ImageAnnotations,
    summary="An image's editable annotations",
    description="The working copy's instances of the image (polygons and/or RLE masks in image pixels, "
    "class, source, score, reviewed). The imported label file is the initial state. The ETag header "
    "(also `etag`) goes into If-Match when saving.",
    responses=error_responses(404, 409, 422),
)
def get_annotations(
    dataset_id: DatasetId, image_id: ImageId, settings: SettingsDep, response: Response
) -> ImageAnnotations:
    state = service.get_annotations(settings, dataset_id, image_id)
    response.headers["ETag"] = state.etag
    return state


@router.put(
    "/{dataset_id}/images/{image_id}/annotations",
    response_model=ImageAnnotations,
    summary="Save an image's annotations",
    description="Replaces the image's instances. Needs If-Match with the ETag of the state that was "
    "edited: 428 without it, 409 with the current state (`current`) when someone saved in between. "
    "422 names the invalid field: a point outside the image, a polygon of fewer than 3 points, an "
    "unknown class, more than 10,000 points or 1,000 instances, an RLE of another size. The label file "
    "of the working copy is rewritten, so training on the working copy sees the edit.",
    responses={
        409: {"model": AnnotationConflict, "description": "Stale If-Match: the current state"},
        **error_responses(404, 413, 422, 428),
    },
)
def put_annotations(
    dataset_id: DatasetId,
    image_id: ImageId,
    body: AnnotationsUpdate,
    settings: SettingsDep,
    response: Response,
    if_match: Annotated[
        str | None, Header(max_length=200, description="The ETag of the edited state")
    ] = None,
) -> ImageAnnotations | JSONResponse:
    try:
        state = service.save_annotations(settings, dataset_id, image_id, if_match, body)
    except service.StaleAnnotations as stale:
        conflict = AnnotationConflict(detail=stale.detail, current=stale.current)
        return JSONResponse(
            status_code=409, content=conflict.model_dump(mode="json"), headers={"ETag": stale.current.etag}
        )
    response.headers["ETag"] = state.etag
    return state


@router.get(
    "/{dataset_id}/review-queue",
    response_model=ReviewQueue,
    summary="Images to review, least confident first",
    description="Unreviewed images first, ordered by confidence: the lowest predicted score, or the "
    "disagreement (1 - mask IoU) between two models where both predicted the image; then reviewed ones.",
    responses=error_responses(404, 409),
)
def get_review_queue(
    dataset_id: DatasetId,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=review_queue.MAX_LIMIT)] = 50,
) -> ReviewQueue:
    return review_queue.review_queue(settings, dataset_id, limit)


@router.post(
    "/from-predictions",
    response_model=PredictionsToDatasetResult,
    summary="Add predictions to a dataset as pre-labels",
    description="Copies the images of saved predictions (`prediction_ids` or a `batch_id`) into an "
    "existing dataset (`dataset_id`) or a new one (`new_name`), in `split`, with their predicted masks "
    "scoring at least `confidence` as unreviewed instances (source predicted, with the score). An image "
    "already in the dataset (same bytes) gets the new predictions merged in: two models' predictions "
    "of one image give the review queue their disagreement.",
    responses=error_responses(400, 404, 409, 422, 507),
)
async def predictions_to_dataset(
    body: PredictionsToDataset, settings: SettingsDep
) -> PredictionsToDatasetResult:
    return await run_in_threadpool(annotations_intake.add_predictions, settings, body)
