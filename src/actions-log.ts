/**
 * The only module that writes to the workflow log or the step summary. Every
 * message passes safeLogMessage on its way out, so no text from Graph, a
 * record, an input or a file name can start a workflow command, whichever
 * path it took. main.ts and index.ts import it under the name `core`; a unit
 * test keeps every other module off @actions/core's logging functions.
 */
import * as core from '@actions/core'
import { AzureLogger } from '@azure/logger'
import { format } from 'node:util'
import { safeLogMessage, safeLogText } from './log-text.js'

/** Annotation properties take outside text too (a file name, a title). */
export interface AnnotationProperties {
  title?: string
  file?: string
}

function properties(props: AnnotationProperties | undefined): core.AnnotationProperties {
  if (!props) return {}
  const safe: core.AnnotationProperties = {}
  if (props.title !== undefined) safe.title = safeLogText(props.title)
  if (props.file !== undefined) safe.file = safeLogText(props.file)
  return safe
}

export function debug(message: string): void {
  core.debug(safeLogMessage(message))
}

/**
 * core.info writes the text as it is, so an info message is always one line:
 * a line break in it shows as `\n`. (The other functions issue commands whose
 * data core escapes, so a multi-line annotation stays multi-line and harmless.)
 */
export function info(message: string): void {
  core.info(safeLogText(message))
}

export function warning(message: string, props?: AnnotationProperties): void {
  core.warning(safeLogMessage(message), properties(props))
}

export function notice(message: string, props?: AnnotationProperties): void {
  core.notice(safeLogMessage(message), properties(props))
}

export function error(message: string, props?: AnnotationProperties): void {
  core.error(safeLogMessage(message), properties(props))
}

/** Fails the step (exit code 1) with an error annotation. */
export function setFailed(message: string): void {
  core.setFailed(safeLogMessage(message))
}

export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(safeLogText(name), fn)
}

/**
 * The step summary. What goes in is built with every outside value escaped for
 * HTML and markdown (publish/html.ts); it is a file, not the log, so command
 * syntax in it commands nothing.
 */
export const summary = core.summary

/** Not logging, passed through so main.ts needs only this module: the value is masked, never printed. */
export const setSecret = core.setSecret
export const getIDToken = core.getIDToken

/**
 * The Azure SDK (@azure/identity, its HTTP pipeline, MSAL) logs to stderr when
 * AZURE_LOG_LEVEL is set, and the runner reads stderr for commands too: those
 * lines, which can quote the login endpoint's answers, go through debug() instead.
 * Microsoft documents overriding AzureLogger.log for exactly this:
 * https://learn.microsoft.com/en-us/javascript/api/@azure/logger
 */
export function captureLibraryLogs(): void {
  AzureLogger.log = (...args: unknown[]) => debug(format(...args))
}
