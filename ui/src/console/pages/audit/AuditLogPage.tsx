// Placeholder until this page is built.
import { PageHeader } from '../../../components/PageHeader.tsx';

export default function AuditLogPage() {
  return <PageHeader title="AuditLogPage" />;
}
