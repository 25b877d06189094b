import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Building2 } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { FormField, INPUT_CLASSES, InputField } from '@/components/common/FormField';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Table, type Column } from '@/components/common/Table';
import { errorMessage } from '@/services/errors';
import {
  createStructure,
  fetchStructures,
  inspectionKeys,
  MARKER_DICTIONARIES,
  STRUCTURE_KINDS,
  type MarkerDictionary,
  type Structure,
  type StructureKind,
} from '@/services/inspections.service';

import { SeverityBadge } from './SeverityBadge';

const COLUMNS: readonly Column<Structure>[] = [
  {
    key: 'name',
    header: 'Structure',
    rowHeader: true,
    cell: (s) => (
      <Link
        to={`/inspections/structures/${s.id}`}
        className="font-medium text-sky-700 hover:underline"
      >
        {s.name}
      </Link>
    ),
    sortValue: (s) => s.name,
  },
  { key: 'kind', header: 'Kind', cell: (s) => s.kind ?? '—' },
  {
    key: 'inspections',
    header: 'Inspections',
    align: 'right',
    cell: (s) => s.inspection_count,
    sortValue: (s) => s.inspection_count,
  },
  { key: 'images', header: 'Images', align: 'right', cell: (s) => s.image_count },
  {
    key: 'last',
    header: 'Last inspected',
    cell: (s) => s.last_inspected_on ?? '—',
    sortValue: (s) => s.last_inspected_on,
  },
  {
    key: 'worst',
    header: 'Worst (latest)',
    cell: (s) => <SeverityBadge severity={s.worst_severity} />,
  },
];

function NewStructureForm({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<StructureKind | ''>('');
  const [markerSide, setMarkerSide] = useState('');
  const [markerFamily, setMarkerFamily] = useState<MarkerDictionary>('DICT_4X4_50');
  const create = useMutation({
    mutationFn: () =>
      createStructure({
        name: name.trim(),
        kind: kind === '' ? null : kind,
        marker_side_mm: markerSide === '' ? null : Number(markerSide),
        marker_dictionary: markerFamily,
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: inspectionKeys.structures() });
      onCreated(created.id);
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form
      onSubmit={submit}
      className="grid gap-4 sm:grid-cols-5 sm:items-end"
      aria-label="New structure"
    >
      <InputField label="Name" value={name} maxLength={200} required onChange={setName} />
      <FormField label="Kind" optional>
        {(control) => (
          <select
            {...control}
            className={INPUT_CLASSES}
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as StructureKind | '');
            }}
          >
            <option value="">—</option>
            {STRUCTURE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <InputField
        label="Marker side (mm)"
        optional
        hint="Printed ArUco marker, for the scale"
        type="number"
        min={5}
        max={2000}
        step="any"
        value={markerSide}
        onChange={setMarkerSide}
      />
      <FormField label="Marker type">
        {(control) => (
          <select
            {...control}
            className={INPUT_CLASSES}
            value={markerFamily}
            onChange={(e) => {
              setMarkerFamily(e.target.value as MarkerDictionary);
            }}
          >
            {MARKER_DICTIONARIES.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <Button type="submit" disabled={name.trim() === '' || create.isPending}>
        Add structure
      </Button>
      {create.isError && (
        <Callout tone="error" className="sm:col-span-5">
          {errorMessage(create.error)}
        </Callout>
      )}
    </form>
  );
}

export default function InspectionsPage() {
  const navigate = useNavigate();
  const structures = useQuery({
    queryKey: inspectionKeys.structures(),
    queryFn: ({ signal }) => fetchStructures(signal),
  });
  return (
    <div>
      <PageHeader
        title="Inspections"
        description="Structures inspected over time: scale, location, reports and crack growth."
      />
      <Card title="New structure" className="mb-6">
        <div className="p-5">
          <NewStructureForm onCreated={(id) => void navigate(`/inspections/structures/${id}`)} />
        </div>
      </Card>
      {structures.isPending && <Loader />}
      {structures.isError && <Callout tone="error">{errorMessage(structures.error)}</Callout>}
      {structures.data !== undefined && (
        <Table
          label="Structures"
          columns={COLUMNS}
          rows={structures.data}
          rowKey={(s) => s.id}
          empty={
            <EmptyState
              icon={Building2}
              title="No structures yet"
              description="Add a bridge, a tunnel section or a wall, then its inspections and their photos."
            />
          }
        />
      )}
    </div>
  );
}
