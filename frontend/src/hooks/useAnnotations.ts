import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { datasetKeys } from '@/hooks/useDatasets';
import {
  addPredictionsToDataset,
  fetchAnnotations,
  fetchReviewQueue,
  saveAnnotations,
  type AnnotationsUpdate,
  type FromPredictionsRequest,
  type ImageAnnotations,
} from '@/services/annotations.service';

export const annotationKeys = {
  image: (datasetId: string, imageId: string) =>
    [...datasetKeys.all, 'annotations', datasetId, imageId] as const,
  reviewQueue: (datasetId: string) => [...datasetKeys.all, 'review-queue', datasetId] as const,
};

/** An image's editable annotations, fetched afresh when the editor opens (not on window focus). */
export function useImageAnnotations(datasetId: string, imageId: string) {
  return useQuery({
    queryKey: annotationKeys.image(datasetId, imageId),
    queryFn: ({ signal }) => fetchAnnotations(datasetId, imageId, signal),
    refetchOnWindowFocus: false,
    refetchOnMount: 'always',
  });
}

/** Saves with the ETag the edit started from; a 409 rejects with AnnotationConflictError. */
export function useSaveAnnotations(datasetId: string, imageId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag, update }: { etag: string; update: AnnotationsUpdate }) =>
      saveAnnotations(datasetId, imageId, etag, update),
    onSuccess: async (saved: ImageAnnotations) => {
      queryClient.setQueryData(annotationKeys.image(datasetId, imageId), saved);
      await invalidateDatasetViews(queryClient, datasetId);
    },
  });
}

async function invalidateDatasetViews(
  queryClient: ReturnType<typeof useQueryClient>,
  datasetId: string,
) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: annotationKeys.reviewQueue(datasetId) }),
    queryClient.invalidateQueries({ queryKey: [...datasetKeys.all, 'images', datasetId] }),
    queryClient.invalidateQueries({ queryKey: datasetKeys.stats(datasetId) }),
    queryClient.invalidateQueries({ queryKey: datasetKeys.detail(datasetId) }),
  ]);
}

export function useReviewQueue(datasetId: string, limit: number) {
  return useQuery({
    queryKey: [...annotationKeys.reviewQueue(datasetId), limit],
    queryFn: ({ signal }) => fetchReviewQueue(datasetId, limit, signal),
  });
}

/** Accepts an image as it is: its instances unchanged, marked reviewed (with its own ETag). */
export function useAcceptImage(datasetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (imageId: string) => {
      const current = await fetchAnnotations(datasetId, imageId);
      return saveAnnotations(datasetId, imageId, current.etag, {
        reviewed: true,
        instances: current.instances.map((instance) => ({ ...instance, reviewed: true })),
      });
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(annotationKeys.image(datasetId, saved.image_id), saved);
      await invalidateDatasetViews(queryClient, datasetId);
    },
  });
}

export function useAddPredictionsToDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: FromPredictionsRequest) => addPredictionsToDataset(request),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: datasetKeys.list() }),
        invalidateDatasetViews(queryClient, result.dataset_id),
      ]);
    },
  });
}
