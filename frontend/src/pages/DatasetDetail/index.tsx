import { ArrowLeft, FileSearch } from 'lucide-react';
import { Link, useParams } from 'react-router-dom';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function DatasetDetailPage() {
  const { id = '' } = useParams();
  return (
    <section data-testid="page-dataset-detail">
      <PageHeader title="Dataset" description={`Dataset ${id}`} />
      <EmptyState
        icon={FileSearch}
        title="Dataset details are not available yet"
        description="This page will show the dataset's images, annotations, class balance and validation report."
        badge="Not available yet"
      >
        <Link
          to="/datasets"
          className="inline-flex items-center gap-1.5 text-sm font-medium text-sky-700 hover:text-sky-600"
        >
          <ArrowLeft className="size-4" aria-hidden="true" />
          Back to datasets
        </Link>
      </EmptyState>
    </section>
  );
}
