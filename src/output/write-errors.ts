/**
 * Moved to src/write-errors.ts: file-system failures are not output's alone (a
 * chain's temp file in export/ fails the same way), and export may not import
 * output. This re-export only keeps branches written against the old path merging.
 */
export { describeWriteError, isWriteError, withPath, type WriteError } from '../write-errors.js'
