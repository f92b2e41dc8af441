/**
 * action.yml read with a YAML parser (`yaml`), for the tests that hold the code and the README
 * to it. Strict on purpose: a duplicate key, an input without a description or a default that is
 * not a scalar fails here, with the input's name, rather than passing as an empty string.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ActionEntry {
  name: string
  description: string
  /** Inputs only; `required:` absent means false, as for the runner. */
  required: boolean
  /**
   * Inputs only: the default as the runner hands it to the action, a string (`default: 5` and
   * `default: '5'` both give '5'); undefined when there is no `default:`.
   */
  default?: string
}

export interface ActionYml {
  inputs: ActionEntry[]
  outputs: ActionEntry[]
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function entries(section: unknown, where: string): ActionEntry[] {
  if (!isMap(section)) throw new Error(`action.yml: ${where} is not a map`)
  return Object.entries(section).map(([name, body]) => {
    if (!isMap(body)) throw new Error(`action.yml: ${where}.${name} is not a map`)
    const { description, required = false, default: value } = body
    if (typeof description !== 'string') {
      throw new Error(`action.yml: ${where}.${name}.description is not text`)
    }
    if (typeof required !== 'boolean') {
      throw new Error(`action.yml: ${where}.${name}.required is not true or false`)
    }
    if (
      value !== undefined &&
      value !== null &&
      !['string', 'number', 'boolean'].includes(typeof value)
    ) {
      throw new Error(`action.yml: ${where}.${name}.default is not a scalar`)
    }
    return {
      name,
      description,
      required,
      ...(value === undefined ? {} : { default: value === null ? '' : String(value) })
    }
  })
}

/** Parses action.yml text; `parse` rejects duplicate keys and malformed YAML. */
export function parseActionYml(text: string): ActionYml {
  const doc: unknown = parse(text)
  if (!isMap(doc)) throw new Error('action.yml is not a map')
  return { inputs: entries(doc.inputs, 'inputs'), outputs: entries(doc.outputs, 'outputs') }
}

export function readActionYml(): ActionYml {
  return parseActionYml(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
}
