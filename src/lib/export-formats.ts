// Streams pages of rows as a download: CSV (RFC 4180, UTF-8 with a byte-order mark so that
// spreadsheet programs read names in any script, and formulas escaped so that a cell such as
// "=HYPERLINK(...)" typed by a customer opens as text, not as a formula) or JSON Lines (one JSON
// object a line). csv-stringify does the quoting and the formula escaping. Each page becomes one
// chunk: the stream's backpressure then holds the reading of the next page until the client has
// taken this one, and per-row stream overhead is paid once a page.

import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
};

/** One CSV column: its header and the cell of a row (arrays and objects are joined or serialised by the caller). */
export interface CsvColumn<Row> {
  header: string;
  cell: (row: Row) => string | number | boolean | null | undefined;
}

export interface ExportShape<Row> {
  columns: CsvColumn<Row>[];
  /** The JSON Lines object of a row. */
  record: (row: Row) => Record<string, unknown>;
}

const CSV_OPTIONS = { escape_formulas: true, record_delimiter: 'windows', cast: { boolean: (value: boolean) => (value ? 'true' : 'false') } } as const;

function csvChunk<Row>(rows: Row[], shape: ExportShape<Row>, first: boolean): string {
  const cells = rows.map((row) => shape.columns.map((column) => column.cell(row) ?? ''));
  return stringify(cells, { ...CSV_OPTIONS, bom: first, header: first, columns: shape.columns.map((column) => column.header) });
}

function jsonLinesChunk<Row>(rows: Row[], shape: ExportShape<Row>): string {
  let chunk = '';
  for (const row of rows) chunk += `${JSON.stringify(shape.record(row))}\n`;
  return chunk;
}

/**
 * The first page is read before anything is sent, so that a failure there (a filter the
 * database refuses, the database down) is still an ordinary error response; a failure later can
 * only cut the download short, which the client sees as an incomplete transfer.
 */
export async function exportStream<Row>(pages: AsyncIterator<Row[]>, format: ExportFormat, shape: ExportShape<Row>): Promise<Readable> {
  const first = await pages.next();
  const render = (rows: Row[], isFirst: boolean) => (format === 'csv' ? csvChunk(rows, shape, isFirst) : jsonLinesChunk(rows, shape));
  return Readable.from(
    (async function* () {
      try {
        // An empty CSV export is still its header line.
        yield render(first.done ? [] : first.value, true);
        if (first.done) return;
        for (let next = await pages.next(); !next.done; next = await pages.next()) yield render(next.value, false);
      } finally {
        // A client that went away ends the traversal: no further page is read.
        await pages.return?.(undefined);
      }
    })(),
    { objectMode: false },
  );
}
