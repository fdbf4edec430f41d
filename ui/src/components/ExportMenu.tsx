// "Export" beside a list: CSV for spreadsheets or JSON Lines for programs, of what the list's
// filters select. A failed download says why in a notification; the button shows it is busy
// and ignores further clicks meanwhile, so a double click downloads once.

import { useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/http.ts';
import type { ExportFormat } from '../api/exports.ts';

export function ExportMenu({ what, download }: { what: string; download: (format: ExportFormat) => Promise<void> }) {
  const [busy, setBusy] = useState(false);

  async function start(format: ExportFormat) {
    if (busy) return;
    setBusy(true);
    try {
      await download(format);
    } catch (error) {
      notifications.show({ color: 'red', title: `The ${what} could not be exported`, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" loading={busy}>
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Download {what} matching the filters</Menu.Label>
        <Menu.Item onClick={() => void start('csv')}>CSV (spreadsheet)</Menu.Item>
        <Menu.Item onClick={() => void start('jsonl')}>JSON Lines</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
