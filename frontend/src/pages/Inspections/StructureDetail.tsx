import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { InputField } from '@/components/common/FormField';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Table, type Column } from '@/components/common/Table';
import { errorMessage } from '@/services/errors';
import {
  createInspection,
  deleteStructure,
  fetchMapSettings,
  fetchStructure,
  fetchStructureMap,
  inspectionKeys,
  type Inspection,
} from '@/services/inspections.service';

import { ConfirmDelete } from './ConfirmDelete';
import { InspectionTrend } from './InspectionTrend';
import { SeverityBadge } from './SeverityBadge';
import { StructureMapView } from './StructureMap';

const COLUMNS: readonly Column<Inspection>[] = [
  {
    key: 'date',
    header: 'Date',
    rowHeader: true,
    cell: (i) => (
      <Link to={`/inspections/${i.id}`} className="font-medium text-sky-700 hover:underline">
        {i.inspected_on}
      </Link>
    ),
    sortValue: (i) => i.inspected_on,
  },
  { key: 'inspector', header: 'Inspector', cell: (i) => i.inspector ?? '—' },
  { key: 'images', header: 'Images', align: 'right', cell: (i) => i.image_count },
  { key: 'cracks', header: 'Cracks', align: 'right', cell: (i) => i.crack_count },
  {
    key: 'length',
    header: 'Total length (mm)',
    align: 'right',
    cell: (i) => (i.total_length_mm === null ? '—' : i.total_length_mm.toFixed(1)),
  },
  { key: 'worst', header: 'Worst', cell: (i) => <SeverityBadge severity={i.worst_severity} /> },
];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function NewInspectionForm({ structureId }: { structureId: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [date, setDate] = useState(today());
  const [inspector, setInspector] = useState('');
  const [notes, setNotes] = useState('');
  const create = useMutation({
    mutationFn: () =>
      createInspection(structureId, {
        inspected_on: date,
        inspector: inspector.trim() === '' ? null : inspector.trim(),
        notes: notes.trim() === '' ? null : notes,
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: inspectionKeys.all });
      void navigate(`/inspections/${created.id}`);
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form
      onSubmit={submit}
      className="grid gap-4 sm:grid-cols-4 sm:items-end"
      aria-label="New inspection"
    >
      <InputField label="Date" type="date" value={date} required onChange={setDate} />
      <InputField
        label="Inspector"
        optional
        maxLength={200}
        value={inspector}
        onChange={setInspector}
      />
      <InputField label="Notes" optional maxLength={5000} value={notes} onChange={setNotes} />
      <Button type="submit" disabled={date === '' || create.isPending}>
        Add inspection
      </Button>
      {create.isError && (
        <Callout tone="error" className="sm:col-span-4">
          {errorMessage(create.error)}
        </Callout>
      )}
    </form>
  );
}

export default function StructureDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const structure = useQuery({
    queryKey: inspectionKeys.structure(id),
    queryFn: ({ signal }) => fetchStructure(id, signal),
  });
  const points = useQuery({
    queryKey: inspectionKeys.structureMap(id),
    queryFn: ({ signal }) => fetchStructureMap(id, signal),
  });
  const mapSettings = useQuery({
    queryKey: inspectionKeys.mapSettings(),
    queryFn: ({ signal }) => fetchMapSettings(signal),
    staleTime: Infinity,
  });
  const remove = useMutation({
    mutationFn: () => deleteStructure(id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: inspectionKeys.all });
      void navigate('/inspections');
    },
  });

  if (structure.isPending) return <Loader />;
  if (structure.isError) return <Callout tone="error">{errorMessage(structure.error)}</Callout>;
  const s = structure.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={s.name}
        description={[
          s.kind ?? 'structure',
          s.marker_side_mm !== null ? `marker ${s.marker_side_mm} mm` : 'no marker size set',
          s.notes,
        ]
          .filter(Boolean)
          .join(' · ')}
        actions={
          <ConfirmDelete
            label="Delete structure"
            message="Its inspections, reports and comparisons go too (predictions stay)."
            pending={remove.isPending}
            onConfirm={() => {
              remove.mutate();
            }}
          />
        }
      />
      {remove.isError && <Callout tone="error">{errorMessage(remove.error)}</Callout>}
      <Card
        title="Map"
        description={
          points.data === undefined
            ? undefined
            : `${points.data.points.length} located photo(s)` +
              (points.data.without_location > 0
                ? `, ${points.data.without_location} without GPS`
                : '') +
              (mapSettings.data?.tile_url ? '' : ' · offline map (no tile source set)')
        }
      >
        <div className="p-5">
          {points.isError && <Callout tone="error">{errorMessage(points.error)}</Callout>}
          {points.data !== undefined && mapSettings.data !== undefined && (
            <StructureMapView
              points={points.data.points}
              settings={mapSettings.data}
              onSelect={(point) => void navigate(`/inspections/${point.inspection_id}`)}
            />
          )}
        </div>
      </Card>
      <Card title="Inspections over time">
        <div className="space-y-5 p-5">
          <InspectionTrend inspections={s.inspections} />
          <Table
            label="Inspections"
            variant="plain"
            columns={COLUMNS}
            rows={s.inspections}
            rowKey={(i) => i.id}
            empty={<p className="text-sm text-slate-500">No inspection yet.</p>}
          />
          <NewInspectionForm structureId={id} />
        </div>
      </Card>
    </div>
  );
}
