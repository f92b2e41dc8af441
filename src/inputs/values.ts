/** Parsers for the list-, path- and name-valued inputs. */
import { Inputs } from '../constants.js'
import { UserError } from '../errors.js'
import { LOG_TYPES, type LogTypeName, type Settings } from '../settings.js'
import { isOnlyWhitespace, readString } from './read.js'

// Cache keys may not exceed 512 characters; leave room for the run-specific suffix.
const MAX_STATE_KEY_LENGTH = 400
const MAX_ARTIFACT_NAME_LENGTH = 256

const FORBIDDEN_ARTIFACT_CHARS: ReadonlyMap<string, string> = new Map([
  ['"', 'double quote (")'],
  [':', 'colon (:)'],
  ['<', 'less-than sign (<)'],
  ['>', 'greater-than sign (>)'],
  ['|', 'vertical bar (|)'],
  ['*', 'asterisk (*)'],
  ['?', 'question mark (?)'],
  ['\r', 'carriage return'],
  ['\n', 'line feed'],
  ['\\', 'backslash (\\)'],
  ['/', 'forward slash (/)']
])

export function readLogTypes(): LogTypeName[] {
  const raw = readString(Inputs.LogTypes, true)
  const names = raw
    .split(/[,\n]/)
    .map(name => name.trim().toLowerCase())
    .filter(name => name !== '')
  if (names.length === 0) {
    throw new UserError(
      `Input '${Inputs.LogTypes}' names no log type; got '${raw}'. Allowed: all, ${LOG_TYPES.join(', ')}.`
    )
  }
  const wanted = new Set<string>()
  for (const name of names) {
    if (name === 'all') {
      LOG_TYPES.forEach(type => wanted.add(type))
    } else if ((LOG_TYPES as readonly string[]).includes(name)) {
      wanted.add(name)
    } else {
      throw new UserError(
        `Input '${Inputs.LogTypes}' has unknown log type '${name}'. ` +
          `Allowed: all, ${LOG_TYPES.join(', ')}.`
      )
    }
  }
  // Catalogue order, so files, manifest and summary list types the same way every run.
  return LOG_TYPES.filter(type => wanted.has(type))
}

/**
 * Rejects only what is certainly broken (unbalanced quotes or parentheses) and
 * leaves the rest to Graph, which knows its OData dialect better than a regex.
 */
export function readFilter(): string {
  const filter = readString(Inputs.Filter)
  let inString = false
  let depth = 0
  for (const char of filter) {
    // '' inside a string is an escaped quote: it toggles twice, so no special case.
    if (char === "'") inString = !inString
    else if (!inString && char === '(') depth++
    else if (!inString && char === ')' && --depth < 0) break
  }
  if (inString) {
    throw new UserError(
      `Input '${Inputs.Filter}' has an unbalanced single quote; got '${filter}'. ` +
        `Quote strings as 'text' and write a quote inside one as ''.`
    )
  }
  if (depth !== 0) {
    throw new UserError(`Input '${Inputs.Filter}' has unbalanced parentheses; got '${filter}'.`)
  }
  return filter
}

export function readFormats(): Settings['formats'] {
  const raw = readString(Inputs.Format, true)
  const parts = raw
    .split(/[,\n]/)
    .map(part => part.trim().toLowerCase())
    .filter(part => part !== '')
  const formats = { csv: false, jsonl: false }
  for (const part of parts) {
    if (part === 'csv' || part === 'both') formats.csv = true
    if (part === 'jsonl' || part === 'both') formats.jsonl = true
  }
  if (parts.length === 0 || parts.some(part => !['csv', 'jsonl', 'both'].includes(part))) {
    throw new UserError(
      `Input '${Inputs.Format}' must be csv, jsonl, both, or a list such as 'csv, jsonl'; got '${raw}'.`
    )
  }
  return formats
}

export function readArtifactName(): string {
  const name = readString(Inputs.ArtifactName)
  for (const char of name) {
    const label = FORBIDDEN_ARTIFACT_CHARS.get(char)
    if (label !== undefined) {
      throw new UserError(
        `Input '${Inputs.ArtifactName}' must not contain a ${label}; got '${name}'. ` +
          `Artifact names may not contain " : < > | * ? \\ / or line breaks.`
      )
    }
  }
  // '.' and '..' are not names (the artifact's files would unpack into, or above, the
  // download directory), and a name of blanks shows as nothing in the run's artifact list.
  const blank = isOnlyWhitespace(Inputs.ArtifactName)
  if (name === '.' || name === '..' || blank) {
    throw new UserError(
      `Input '${Inputs.ArtifactName}' must be a name, not '.', '..' or only spaces; got ` +
        `${blank ? 'only spaces' : `'${name}'`}.`
    )
  }
  if (name.length > MAX_ARTIFACT_NAME_LENGTH) {
    throw new UserError(
      `Input '${Inputs.ArtifactName}' must be at most ${MAX_ARTIFACT_NAME_LENGTH} characters; ` +
        `got ${name.length}.`
    )
  }
  return name
}

export function validateStateKey(key: string): void {
  // @actions/cache rejects keys with commas and keys over 512 characters.
  if (key.includes(',')) {
    throw new UserError(`Input '${Inputs.StateKey}' must not contain a comma; got '${key}'.`)
  }
  if (key.length > MAX_STATE_KEY_LENGTH) {
    throw new UserError(
      `Input '${Inputs.StateKey}' must be at most ${MAX_STATE_KEY_LENGTH} characters; got ${key.length}.`
    )
  }
}
