/**
 * Reads Microsoft's published Graph types (@microsoft/microsoft-graph-types for
 * v1.0, @microsoft/microsoft-graph-types-beta for beta) with the TypeScript
 * compiler API and lists the property paths an entity declares, complex types
 * flattened to dotted paths the way `columns: all` flattens them.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import ts from 'typescript'

export type GraphVersion = 'v1.0' | 'beta'

const PACKAGES: Record<GraphVersion, string> = {
  'v1.0': '@microsoft/microsoft-graph-types/microsoft-graph.d.ts',
  beta: '@microsoft/microsoft-graph-types-beta/microsoft-graph.d.ts'
}

interface Declared {
  /** The namespace it is declared in ('' at the top), to resolve unqualified names. */
  namespace: string
  extends: string[]
  props: { name: string; type: ts.TypeNode | undefined }[]
}

/**
 * How a declared path ends: a scalar or enum, a collection, an open type (no
 * properties), a complex type (its children follow), or a property of the
 * element type of a collection (`element`: one JSON cell holds the collection,
 * but a column may project the property across the elements).
 */
export type PathKind = 'scalar' | 'collection' | 'open' | 'complex' | 'element'

export interface DeclaredPath {
  path: string
  kind: PathKind
}

const cache = new Map<GraphVersion, Map<string, Declared>>()

function interfaces(version: GraphVersion): Map<string, Declared> {
  let map = cache.get(version)
  if (map) return map
  const require = createRequire(import.meta.url)
  const file = require.resolve(PACKAGES[version])
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
  map = new Map()
  const found = map
  // Interfaces at the top and inside namespaces (`export namespace Agentic { ... }`), by qualified name.
  const visit = (statements: ts.NodeArray<ts.Statement>, namespace: string): void => {
    for (const statement of statements) {
      if (ts.isModuleDeclaration(statement) && statement.body && ts.isModuleBlock(statement.body)) {
        const name = statement.name.getText(source)
        visit(statement.body.statements, namespace ? `${namespace}.${name}` : name)
        continue
      }
      if (!ts.isInterfaceDeclaration(statement)) continue
      const props: Declared['props'] = []
      for (const member of statement.members) {
        if (ts.isPropertySignature(member) && member.name && ts.isIdentifier(member.name)) {
          props.push({ name: member.name.text, type: member.type })
        }
      }
      const bases = (statement.heritageClauses ?? []).flatMap(h =>
        h.types.map(t => t.expression.getText(source))
      )
      const qualified = namespace ? `${namespace}.${statement.name.text}` : statement.name.text
      found.set(qualified, { namespace, extends: bases, props })
    }
  }
  visit(source.statements, '')
  cache.set(version, map)
  return map
}

/** An interface name as written inside `namespace`, resolved to its qualified name. */
function resolve(
  name: string,
  namespace: string,
  known: Map<string, Declared>
): string | undefined {
  if (namespace && known.has(`${namespace}.${name}`)) return `${namespace}.${name}`
  return known.has(name) ? name : undefined
}

function entityName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : `${entityName(name.left)}.${name.right.text}`
}

type Classified =
  { kind: 'scalar' } | { kind: 'collection'; element?: string } | { kind: 'ref'; name: string }

/** Strip NullableOption<...> and report arrays and interface references. */
function classify(
  type: ts.TypeNode | undefined,
  namespace: string,
  known: Map<string, Declared>
): Classified {
  if (!type) return { kind: 'scalar' }
  if (ts.isArrayTypeNode(type)) {
    const inner = classify(type.elementType, namespace, known)
    return { kind: 'collection', element: inner.kind === 'ref' ? inner.name : undefined }
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = entityName(type.typeName)
    if (name === 'NullableOption' && type.typeArguments?.[0]) {
      return classify(type.typeArguments[0], namespace, known)
    }
    const qualified = resolve(name, namespace, known)
    if (qualified) return { kind: 'ref', name: qualified }
  }
  return { kind: 'scalar' }
}

function allProps(
  name: string,
  known: Map<string, Declared>
): { name: string; type: ts.TypeNode | undefined; namespace: string }[] {
  const declared = known.get(name)
  if (!declared) throw new Error(`no interface ${name} in the published types`)
  const own = declared.props.map(p => ({ ...p, namespace: declared.namespace }))
  // Inherited first (Entity's id), as the reference lists them.
  const inherited = declared.extends.flatMap(base => {
    const qualified = resolve(base, declared.namespace, known)
    if (!qualified) throw new Error(`no base interface ${base} of ${name}`)
    return allProps(qualified, known)
  })
  return [...inherited, ...own]
}

/** Every path an entity declares, in declaration order; `complex` paths are followed by their children. */
export function declaredPaths(version: GraphVersion, entity: string): DeclaredPath[] {
  const known = interfaces(version)
  const out: DeclaredPath[] = []
  const walk = (type: string, prefix: string, seen: string[], inElement: boolean): void => {
    for (const prop of allProps(type, known)) {
      const path = prefix + prop.name
      const c = classify(prop.type, prop.namespace, known)
      if (c.kind === 'scalar') {
        out.push({ path, kind: inElement ? 'element' : 'scalar' })
      } else if (c.kind === 'collection') {
        out.push({ path, kind: inElement ? 'element' : 'collection' })
        if (c.element && !seen.includes(c.element))
          walk(c.element, `${path}.`, [...seen, c.element], true)
      } else if (allProps(c.name, known).length === 0 || seen.includes(c.name)) {
        out.push({ path, kind: inElement ? 'element' : 'open' })
      } else {
        out.push({ path, kind: inElement ? 'element' : 'complex' })
        walk(c.name, `${path}.`, [...seen, c.name], inElement)
      }
    }
  }
  walk(entity, '', [entity], false)
  return out
}
