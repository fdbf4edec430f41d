// Placeholder until this page is built.
import { PageHeader } from '../../../components/PageHeader.tsx';

export default function SettingsPage() {
  return <PageHeader title="SettingsPage" />;
}
