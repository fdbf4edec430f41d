// Streams rows as a download: CSV (RFC 4180, UTF-8 with a byte-order mark so that spreadsheet
// programs read names in any script, and formulas escaped so that a cell such as "=HYPERLINK(...)"
// typed by a customer opens as text, not as a formula) or JSON Lines (one JSON object a line).
// csv-stringify does the quoting and the formula escaping.

import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';

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

/**
 * The first row is read before anything is sent, so that a failure there (a filter the database
 * refuses, the database down) is still an ordinary error response; a failure later can only
 * cut the download short, which the client sees as an incomplete transfer.
 */
async function started<Row>(rows: AsyncIterator<Row>): Promise<AsyncIterable<Row>> {
  const first = await rows.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await rows.next(); !next.done; next = await rows.next()) yield next.value;
      } finally {
        // A client that went away ends the traversal: no further page is read.
        await rows.return?.(undefined);
      }
    },
  };
}

export async function exportStream<Row>(rows: AsyncIterator<Row>, format: ExportFormat, shape: ExportShape<Row>): Promise<Readable> {
  const source = await started(rows);
  if (format === 'jsonl') {
    return Readable.from(
      (async function* () {
        for await (const row of source) yield `${JSON.stringify(shape.record(row))}\n`;
      })(),
    );
  }
  const csv = stringify({
    bom: true,
    header: true,
    columns: shape.columns.map((column) => column.header),
    escape_formulas: true,
    record_delimiter: 'windows',
    cast: { boolean: (value) => (value ? 'true' : 'false'), date: (value) => value.toISOString() },
  });
  const cells = Readable.from(
    (async function* () {
      for await (const row of source) yield shape.columns.map((column) => column.cell(row) ?? '');
    })(),
  );
  // pipeline, not pipe: an error in either stream destroys the other, so a failed read ends the
  // response instead of leaving it open.
  return pipeline(cells, csv, () => {});
}
