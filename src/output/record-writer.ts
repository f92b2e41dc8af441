/**
 * Writes one log type's records to CSV (split into parts of maxRowsPerFile
 * rows) and/or JSONL, streaming with backpressure so memory stays flat however
 * many records arrive. Records must be written one at a time: await each write().
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type {
  OpenRecordSink,
  RecordSink,
  RecordSinkResult,
  RenderedRow,
  WrittenFile
} from '../export/record-sink.js'
import type { ColumnSet, LogTypeName, Settings } from '../settings.js'
import { EXCEL_MAX_CELL, toCell, type CellOptions } from './cell.js'
import type { GraphRecord } from '../records/graph-record.js'
import { columnsFor, knownFields, type Column } from './columns.js'
import { CsvFile, csvRowText } from './csv-writer.js'
import type { FileDigest } from './file-hash.js'
import { publishExclusive } from './exclusive-open.js'
import { JsonlFile } from './jsonl-writer.js'
import { isWriteError, withPath } from '../write-errors.js'

/**
 * Files are written under this suffix and renamed to their final name only once
 * complete: no file ever carries a final name without holding what it promises.
 */
export const PARTIAL_SUFFIX = '.partial'

export interface RecordWriterOptions {
  dir: string
  /** File base name: 'audit-logs' -> audit-logs.csv, audit-logs.2.csv, audit-logs.jsonl */
  baseName: string
  logType: LogTypeName
  columns: Column[]
  csv: boolean
  jsonl: boolean
  escapeFormulas: boolean
  maxRowsPerFile: number
  /** Write a UTF-8 BOM at the start of each CSV part so Excel reads non-ASCII correctly. */
  bom: boolean
}

// What export needs of a writer is declared there (export may not import output).
export type { WrittenFile }
export type RecordWriterResult = RecordSinkResult

/**
 * A RecordSink: `write` without `json` writes JSON.stringify(record) to JSONL;
 * `close` renames every file to its final name once all are complete; `abort`
 * closes every file (ignoring further errors) and renames it to
 * `<base>.incomplete.<ext>`.
 */
export type RecordWriter = RecordSink &
  Required<Pick<RecordSink, 'render' | 'writeRendered' | 'writesJson'>>

/** What a writer is told of formats and columns, the same for every log type of a run. */
export interface RecordFormat {
  columns: ColumnSet
  csv: boolean
  jsonl: boolean
  escapeFormulas: boolean
  maxRowsPerFile: number
  bom: boolean
}

/** The run's record format, read from its settings (for the composition root). */
export function recordSinksFor(
  settings: Pick<Settings, 'columns' | 'formats' | 'escapeFormulas' | 'maxRowsPerFile' | 'csvBom'>
): OpenRecordSink {
  return recordSinks({
    columns: settings.columns,
    csv: settings.formats.csv,
    jsonl: settings.formats.jsonl,
    escapeFormulas: settings.escapeFormulas,
    maxRowsPerFile: settings.maxRowsPerFile,
    bom: settings.csvBom
  })
}

/** Opens a writer for each log type export asks for (ExportBoundary.openSink). */
export function recordSinks(format: RecordFormat): OpenRecordSink {
  return ({ dir, baseName, logType }) =>
    openRecordWriter({
      dir,
      baseName,
      logType,
      columns: columnsFor(logType, format.columns),
      csv: format.csv,
      jsonl: format.jsonl,
      escapeFormulas: format.escapeFormulas,
      maxRowsPerFile: format.maxRowsPerFile,
      bom: format.bom
    })
}

export async function openRecordWriter(options: RecordWriterOptions): Promise<RecordWriter> {
  if (!Number.isInteger(options.maxRowsPerFile) || options.maxRowsPerFile < 1) {
    throw new Error(
      `maxRowsPerFile must be a whole number of at least 1, got ${options.maxRowsPerFile}`
    )
  }
  if (options.baseName === '' || /[\\/]/.test(options.baseName)) {
    throw new Error(`baseName must be a plain file name, got '${options.baseName}'`)
  }
  if (options.columns.length === 0 && options.csv) {
    throw new Error(`No CSV columns for ${options.logType}`)
  }
  await mkdir(options.dir, { recursive: true })
  return new StreamingRecordWriter(options)
}

class StreamingRecordWriter implements RecordWriter {
  private readonly columns: Column[]
  private readonly header: string[]
  private readonly cellOptions: CellOptions
  private readonly known: ReadonlySet<string>
  private readonly unknown = new Set<string>()
  private readonly finished: WrittenFile[] = []
  private csvPart: CsvFile | undefined
  private partNumber = 0
  private readonly jsonl: JsonlFile | undefined
  private rows = 0
  private truncatedCells = 0
  private closed = false
  /** Every file opened, by final path, written under `<final>.partial` until close(). */
  private readonly opened: string[] = []

  constructor(private readonly options: RecordWriterOptions) {
    this.columns = [...options.columns]
    this.header = this.columns.map(c => c.name)
    this.cellOptions = { escapeFormulas: options.escapeFormulas, maxCellLength: EXCEL_MAX_CELL }
    this.known = knownFields(options.logType)
    // Opened up front so a log type with no records still leaves a CSV with its header.
    if (options.csv) this.csvPart = this.openCsvPart()
    this.jsonl = options.jsonl ? new JsonlFile(this.partial('jsonl')) : undefined
  }

  async write(record: GraphRecord, json?: string): Promise<void> {
    if (this.closed) throw new Error('write() after close()')
    try {
      // The same path as a row rendered ahead, so the two cannot write differently.
      const row = this.renderRow(record)
      await this.writeRow(row, this.jsonl ? (json ?? JSON.stringify(record)) : '')
    } catch (error) {
      if (isWriteError(error)) throw withPath(error, this.current())
      throw unwritable(record, error)
    }
  }

  get writesJson(): boolean {
    return this.options.jsonl
  }

  render(record: GraphRecord): RenderedRow {
    try {
      return this.renderRow(record)
    } catch (error) {
      throw unwritable(record, error)
    }
  }

  async writeRendered(row: RenderedRow, json: string): Promise<void> {
    if (this.closed) throw new Error('write() after close()')
    try {
      await this.writeRow(row, json)
    } catch (error) {
      throw withPath(error, this.current())
    }
  }

  private renderRow(record: GraphRecord): RenderedRow {
    const unknown = new Set<string>()
    this.noteUnknownFields(record, unknown)
    const rendered: RenderedRow = { truncated: 0 }
    if (this.options.csv) {
      const row = this.toRow(record)
      rendered.csv = csvRowText(row.cells)
      rendered.truncated = row.truncated
    }
    if (unknown.size > 0) rendered.unknown = [...unknown]
    return rendered
  }

  private async writeRow(row: RenderedRow, json: string): Promise<void> {
    for (const key of row.unknown ?? []) this.unknown.add(key)
    this.rows++
    if (this.csvPart) {
      await this.nextCsvPart()
      this.truncatedCells += row.truncated
      await (this.csvPart as CsvFile).writeRowText(row.csv ?? '')
    }
    if (this.jsonl) await this.jsonl.writeLine(json)
  }

  /** The current part is full: close it and open the next. */
  private async nextCsvPart(): Promise<void> {
    if (this.csvPart && this.csvPart.rows >= this.options.maxRowsPerFile) {
      this.finished.push(csvResult(await this.csvPart.close()))
      this.csvPart = this.openCsvPart()
    }
  }

  async close(): Promise<RecordWriterResult> {
    if (this.closed) throw new Error('close() called twice')
    this.closed = true
    const files = this.finished
    try {
      if (this.csvPart) files.push(csvResult(await this.csvPart.close()))
      if (this.jsonl) files.push({ ...digest(await this.jsonl.close()), format: 'jsonl' })
    } catch (error) {
      throw withPath(error, this.current())
    }
    for (const file of files) {
      try {
        await publishExclusive(file.path + PARTIAL_SUFFIX, file.path)
      } catch (error) {
        throw withPath(error, file.path)
      }
    }
    return {
      rows: this.rows,
      files,
      truncatedCells: this.truncatedCells,
      unknownFields: [...this.unknown].sort()
    }
  }

  async abort(): Promise<string[]> {
    this.closed = true
    await Promise.allSettled([this.csvPart?.close(), this.jsonl?.close()])
    const left: string[] = []
    const base = this.options.baseName.endsWith('.incomplete')
      ? this.options.baseName
      : `${this.options.baseName}.incomplete`
    for (const path of this.opened) {
      const name = path.slice(join(this.options.dir, this.options.baseName).length + 1)
      const target = join(this.options.dir, `${base}.${name}`)
      try {
        await publishExclusive(path + PARTIAL_SUFFIX, target)
        left.push(target)
      } catch {
        // Never created, or already gone: nothing under a final name either way.
      }
    }
    return left
  }

  /** The file a failure most likely happened in, for the message. */
  private current(): string {
    return this.opened[this.opened.length - 1] ?? join(this.options.dir, this.options.baseName)
  }

  private toRow(record: GraphRecord): { cells: string[]; truncated: number } {
    const columns = this.columns
    const cells = new Array<string>(columns.length)
    let truncated = 0
    for (let i = 0; i < columns.length; i++) {
      const cell = toCell(columns[i].get(record), this.cellOptions)
      if (cell.truncated) truncated++
      cells[i] = cell.text
    }
    return { cells, truncated }
  }

  private noteUnknownFields(record: GraphRecord, into: Set<string>): void {
    for (const key in record) {
      if (this.known.has(key) || into.has(key)) continue
      // OData annotations (@odata.type, @odata.context) are protocol, not log data.
      if (key.startsWith('@odata.')) continue
      into.add(key)
    }
  }

  private openCsvPart(): CsvFile {
    this.partNumber++
    const suffix = this.partNumber === 1 ? 'csv' : `${this.partNumber}.csv`
    return new CsvFile(this.partial(suffix), this.header, this.options.bom)
  }

  private path(suffix: string): string {
    return join(this.options.dir, `${this.options.baseName}.${suffix}`)
  }

  /** Registers the final path and returns the name it is written under until close(). */
  private partial(suffix: string): string {
    const path = this.path(suffix)
    this.opened.push(path)
    return path + PARTIAL_SUFFIX
  }
}

/** A record that cannot be turned into a row fails its log type, named, not the run. */
function unwritable(record: GraphRecord, error: unknown): Error {
  return new Error(
    `record ${typeof record.id === 'string' ? record.id : '(without id)'} could not be written: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error }
  )
}

/** The file's final name (it is written under `<final>.partial`). */
function digest(file: FileDigest & { rows: number }): Omit<WrittenFile, 'format'> {
  const path = file.path.endsWith(PARTIAL_SUFFIX)
    ? file.path.slice(0, -PARTIAL_SUFFIX.length)
    : file.path
  return { path, rows: file.rows, bytes: file.bytes, sha256: file.sha256 }
}

function csvResult(file: FileDigest & { rows: number }): WrittenFile {
  return { ...digest(file), format: 'csv' }
}
