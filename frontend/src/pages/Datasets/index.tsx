import { Database } from 'lucide-react';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function DatasetsPage() {
  return (
    <section data-testid="page-datasets">
      <PageHeader
        title="Datasets"
        description="Crack segmentation datasets for training and validation."
      />
      <EmptyState
        icon={Database}
        title="No datasets yet"
        description="Imported datasets will be listed here with their image counts, splits and validation results."
        badge="Dataset import is not available yet"
      />
    </section>
  );
}
