// Placeholder until this page is built.
import { PageHeader } from '../../components/PageHeader.tsx';

export default function MyApplicationsPage() {
  return <PageHeader title="MyApplicationsPage" />;
}
