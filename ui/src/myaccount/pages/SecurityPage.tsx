// Placeholder until this page is built.
import { PageHeader } from '../../components/PageHeader.tsx';

export default function SecurityPage() {
  return <PageHeader title="SecurityPage" />;
}
