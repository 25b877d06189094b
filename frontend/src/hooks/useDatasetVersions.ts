import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { datasetKeys } from '@/hooks/useDatasets';
import {
  assignSplit,
  createVersion,
  deleteVersion,
  fetchVersions,
  type SplitName,
} from '@/services/datasetVersions.service';

export const versionKeys = {
  list: (datasetId: string) => [...datasetKeys.all, 'versions', datasetId] as const,
};

export function useDatasetVersions(datasetId: string, enabled = true) {
  return useQuery({
    queryKey: versionKeys.list(datasetId),
    queryFn: ({ signal }) => fetchVersions(datasetId, signal),
    enabled: enabled && datasetId !== '',
  });
}

export function useCreateVersion(datasetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message: string) => createVersion(datasetId, message),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: versionKeys.list(datasetId) });
    },
  });
}

export function useDeleteVersion(datasetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (versionId: string) => deleteVersion(datasetId, versionId),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: versionKeys.list(datasetId) });
    },
  });
}

/** Moves images of the working copy to another split; the image lists and counts refresh. */
export function useAssignSplit(datasetId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ imageIds, split }: { imageIds: string[]; split: SplitName }) =>
      assignSplit(datasetId, imageIds, split),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [...datasetKeys.all, 'images', datasetId] }),
        queryClient.invalidateQueries({ queryKey: datasetKeys.detail(datasetId) }),
        queryClient.invalidateQueries({ queryKey: datasetKeys.stats(datasetId) }),
        queryClient.invalidateQueries({
          queryKey: [...datasetKeys.all, 'review-queue', datasetId],
        }),
      ]);
    },
  });
}
