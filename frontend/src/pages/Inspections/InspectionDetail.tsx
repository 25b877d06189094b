import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { errorMessage } from '@/services/errors';
import {
  deleteInspection,
  fetchInspection,
  fetchStructure,
  inspectionKeys,
  hasWorkInProgress,
} from '@/services/inspections.service';

import { AddImages } from './AddImages';
import { ConfirmDelete } from './ConfirmDelete';
import { GrowthPanel } from './GrowthPanel';
import { ImageCard } from './ImageCard';
import { ReportsPanel } from './ReportsPanel';
import { SeverityBadge } from './SeverityBadge';

const POLL_MS = 1_000;

export default function InspectionDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const inspection = useQuery({
    queryKey: inspectionKeys.inspection(id),
    queryFn: ({ signal }) => fetchInspection(id, signal),
    refetchInterval: (query) => (hasWorkInProgress(query.state.data) ? POLL_MS : false),
  });
  const structureId = inspection.data?.structure_id ?? '';
  const structure = useQuery({
    queryKey: inspectionKeys.structure(structureId),
    queryFn: ({ signal }) => fetchStructure(structureId, signal),
    enabled: structureId !== '',
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: inspectionKeys.all });
  };
  const remove = useMutation({
    mutationFn: () => deleteInspection(id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: inspectionKeys.all });
      void navigate(`/inspections/structures/${structureId}`);
    },
  });

  if (inspection.isPending) return <Loader />;
  if (inspection.isError) return <Callout tone="error">{errorMessage(inspection.error)}</Callout>;
  const detail = inspection.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={`Inspection ${detail.inspected_on}`}
        description={
          <>
            <Link
              to={`/inspections/structures/${detail.structure_id}`}
              className="text-sky-700 hover:underline"
            >
              {detail.structure_name}
            </Link>
            {detail.inspector ? ` · ${detail.inspector}` : ''}
            {` · ${detail.image_count} photo(s), ${detail.crack_count} crack(s) · worst `}
            <SeverityBadge severity={detail.worst_severity} />
            {detail.effective_marker_side_mm !== null
              ? ` · marker ${detail.effective_marker_side_mm} mm`
              : ' · no marker size set'}
          </>
        }
        actions={
          <ConfirmDelete
            label="Delete inspection"
            message="Its reports and comparisons go too (predictions stay)."
            pending={remove.isPending}
            onConfirm={() => {
              remove.mutate();
            }}
          />
        }
      />
      {detail.notes && <p className="text-sm whitespace-pre-line text-slate-700">{detail.notes}</p>}
      <Card title="Add photos">
        <div className="p-5">
          <AddImages inspectionId={id} onAdded={refresh} />
        </div>
      </Card>
      <Card
        title="Photos"
        description="Scale with its source and uncertainty; override it any time."
      >
        {detail.images.length === 0 ? (
          <p className="p-5 text-sm text-slate-500">No photo yet.</p>
        ) : (
          detail.images.map((image) => (
            <ImageCard key={image.id} image={image} onChanged={refresh} />
          ))
        )}
      </Card>
      <Card title="Growth since an earlier inspection">
        <div className="p-5">
          {structure.data !== undefined && (
            <GrowthPanel structure={structure.data} inspection={detail} onStarted={refresh} />
          )}
        </div>
      </Card>
      <Card title="Report and exports">
        <div className="p-5">
          <ReportsPanel inspection={detail} onStarted={refresh} />
        </div>
      </Card>
    </div>
  );
}
