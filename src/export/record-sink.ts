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

/** Takes records one at a time (await each write), then is closed or aborted. */
export interface RecordSink {
  /** `json`: the record's text as received (the JSONL line, unchanged). */
  write(record: GraphRecord, json?: string): Promise<void>
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
