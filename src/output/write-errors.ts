// File-system failures in words live at the root (src/write-errors.ts), where
// every layer that writes can reach them; kept here for this folder's importers.
export { describeWriteError, isWriteError, withPath, type WriteError } from '../write-errors.js'
