/**
 * Where a log type's merged records go, as export sees it. Export decides what
 * to write and under which name (a partial export never passes for a complete
 * one); how records become files (CSV columns, JSONL, parts, hashes) is
 * output's. Export may not import output (output is a later layer), so it
 * declares what it needs here and the composition root passes output's
 * implementation in (ExportBoundary.openSink; output/record-writer.ts
 * `recordSinks`).
 */
import type { GraphRecord } from '../records/graph-record.js'
import type { LogTypeName } from '../settings.js'

/** One finished file of the export. */
export interface WrittenFile {
  path: string
  format: 'csv' | 'jsonl'
  rows: number
  bytes: number
  sha256: string
}

export interface RecordSinkResult {
  rows: number
  files: WrittenFile[]
  /** CSV cells cut to the spreadsheet limit. */
  truncatedCells: number
  /** Record fields no column knows (Graph added them), sorted. */
  unknownFields: string[]
}

/**
 * A record made into what its sink writes for it, ahead of time (RecordSink.render).
 * Export stores it as JSON and hands it back to writeRendered; only output reads it.
 */
export interface RenderedRow {
  /** The CSV row's text, delimiter included (absent when CSV is not written). */
  csv?: string
  /** Cells of the row cut to the spreadsheet limit. */
  truncated: number
  /** Record fields no column knows (absent when none). */
  unknown?: string[]
}

/** Takes records one at a time (await each write), then is closed or aborted. */
export interface RecordSink {
  /** `json`: the record's text as received (the JSONL line, unchanged). */
  write(record: GraphRecord, json?: string): Promise<void>
  /**
   * What `write` would write for the record, without writing it: the same for
   * every sink of the log type, so a row can be made while chains still read
   * and written at the merge. Throws what `write` would throw.
   */
  render?(record: GraphRecord): RenderedRow
  /**
   * Writes a rendered row exactly as `write(record, json)` would have written the
   * record; `json` is read only when `writesJson` (it may be '' otherwise).
   */
  writeRendered?(row: RenderedRow, json: string): Promise<void>
  /** Whether the sink writes the records' JSON (JSONL). */
  readonly writesJson?: boolean
  /** Every file complete, under its final name. */
  close(): Promise<RecordSinkResult>
  /** After a failure: files left under an `.incomplete` name; returns their paths. */
  abort(): Promise<string[]>
}

export interface RecordSinkTarget {
  dir: string
  /** File base name: 'audit-logs' gives audit-logs.csv, audit-logs.2.csv, audit-logs.jsonl. */
  baseName: string
  logType: LogTypeName
}

export type OpenRecordSink = (target: RecordSinkTarget) => Promise<RecordSink>
