import type { Logger } from '../../src/logger.js'

/** A Logger that keeps every line, prefixed with its level, for assertions. */
export interface RecordingLogger extends Logger {
  lines: string[]
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = []
  return {
    lines,
    debug: m => lines.push(`debug: ${m}`),
    info: m => lines.push(`info: ${m}`),
    warning: m => lines.push(`warning: ${m}`)
  }
}
