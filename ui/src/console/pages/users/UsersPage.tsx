// Placeholder until this page is built.
import { PageHeader } from '../../../components/PageHeader.tsx';

export default function UsersPage() {
  return <PageHeader title="UsersPage" />;
}
