// Placeholder until this page is built.
import { PageHeader } from '../../../components/PageHeader.tsx';

export default function GroupPage() {
  return <PageHeader title="GroupPage" />;
}
