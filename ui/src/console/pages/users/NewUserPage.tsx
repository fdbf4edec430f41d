// Placeholder until this page is built.
import { PageHeader } from '../../../components/PageHeader.tsx';

export default function NewUserPage() {
  return <PageHeader title="NewUserPage" />;
}
