/** Typed readers over @actions/core: each applies the action.yml default and names the input in its error. */
import * as core from '@actions/core'
import { InputDefaults, type InputName } from '../constants.js'
import { UserError } from '../errors.js'
import { safeLogText } from '../log-text.js'

const WHOLE_NUMBER_RE = /^\d+$/
/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const CONTROL_EXCEPT_NEWLINE_RE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/

/**
 * Every input is text from the workflow, and no value needs a control character
 * (a newline in a state key or a filter would reach the log, the cache service
 * or Graph). `lists`: line breaks separate the items of a list-valued input.
 */
export function rejectControlCharacters(name: InputName, value: string, lists = false): string {
  const match = (lists ? CONTROL_EXCEPT_NEWLINE_RE : CONTROL_RE).exec(value)
  if (match) {
    const code = match[0].charCodeAt(0)
    const label =
      code === 10 ? 'a line feed' : code === 13 ? 'a carriage return' : code === 9 ? 'a tab' : ''
    throw new UserError(
      `Input '${name}' must not contain ` +
        `${label || `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`}` +
        ` or any other control character; found one at position ${match.index + 1} of ` +
        `'${safeLogText(value)}'.`
    )
  }
  return value
}

/** Set, but only to spaces (core.getInput trims, so this would otherwise read as empty). */
export function isOnlyWhitespace(name: InputName): boolean {
  const raw = core.getInput(name, { trimWhitespace: false })
  return raw !== '' && raw.trim() === ''
}

/** `lists`: a list-valued input, whose items may be one per line. */
export function readString(name: InputName, lists = false): string {
  const value = rejectControlCharacters(name, core.getInput(name), lists)
  return value === '' ? (InputDefaults[name] ?? '') : value
}

export function readRequired(name: InputName): string {
  const value = rejectControlCharacters(name, core.getInput(name))
  if (value === '') throw new UserError(`Input '${name}' is required and was empty.`)
  return value
}

export function readChoice<T extends string>(name: InputName, allowed: readonly T[]): T {
  const raw = readString(name)
  const value = raw.toLowerCase()
  const match = allowed.find(choice => choice === value)
  if (match === undefined) {
    throw new UserError(`Input '${name}' must be one of ${allowed.join(' | ')}; got '${raw}'.`)
  }
  return match
}

export function readBoolean(name: InputName): boolean {
  // getBooleanInput rejects '' too; the runner fills defaults, tests and `with: x: ''` do not.
  if (core.getInput(name) === '') return InputDefaults[name] === 'true'
  try {
    return core.getBooleanInput(name)
  } catch (error) {
    throw new UserError(`Input '${name}' must be true | false; got '${core.getInput(name)}'.`, {
      cause: error
    })
  }
}

export function readWholeNumber(name: InputName, min: number, max: number): number {
  const raw = readString(name)
  const value = Number(raw)
  if (!WHOLE_NUMBER_RE.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`
    throw new UserError(`Input '${name}' must be a whole number ${range}; got '${raw}'.`)
  }
  return value
}

export function readEndpoint(name: InputName): string | undefined {
  // The URL parser drops tabs and line breaks silently: refuse them instead.
  const raw = rejectControlCharacters(name, core.getInput(name))
  if (raw === '') return undefined
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  // https only: @azure/identity refuses other authorities, and a token must not travel in clear.
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    throw new UserError(
      `Input '${name}' must be an https URL without credentials, query or fragment, such as ` +
        `https://login.microsoftonline.com; got '${raw}'.`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
