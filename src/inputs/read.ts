/** Typed readers over @actions/core: each applies the action.yml default and names the input in its error. */
import * as core from '@actions/core'
import { InputDefaults, type InputName } from '../constants.js'
import { UserError } from '../errors.js'

const WHOLE_NUMBER_RE = /^\d+$/

export function readString(name: InputName): string {
  const value = core.getInput(name)
  return value === '' ? (InputDefaults[name] ?? '') : value
}

export function readRequired(name: InputName): string {
  const value = core.getInput(name)
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
  const raw = core.getInput(name)
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
