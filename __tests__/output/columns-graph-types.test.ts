/**
 * Issue 13: `columns: all` follows Microsoft's published types for the API
 * version each log type calls. Every declared property (nested complex types
 * flattened) is a column or listed in src/output/columns-omitted.ts with a
 * reason, and no column names a property that version does not declare.
 */
import { columnsFor } from '../../src/output/columns.js'
import { OMITTED_PROPERTIES } from '../../src/output/columns-omitted.js'
import {
  AUDIT_FIELDS,
  flattenFields,
  PROVISIONING_FIELDS,
  SIGN_IN_FIELDS,
  SP_ACTIVITY_FIELDS,
  type Field
} from '../../src/output/columns-schema.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import type { LogTypeName } from '../../src/settings.js'
import { declaredPaths } from './graph-types.js'

const CASES: [LogTypeName, string, readonly Field[]][] = [
  ['interactive-sign-ins', 'SignIn', SIGN_IN_FIELDS],
  ['audit-logs', 'DirectoryAudit', AUDIT_FIELDS],
  ['provisioning-logs', 'ProvisioningObjectSummary', PROVISIONING_FIELDS],
  ['service-principal-activity', 'ServicePrincipalSignInActivity', SP_ACTIVITY_FIELDS]
]

describe.each(CASES)('%s (%s)', (logType, entity, fields) => {
  const version = LOG_TYPE_SPECS[logType].version
  const declared = declaredPaths(version, entity)
  const ours = new Set(flattenFields(fields))
  const omitted = OMITTED_PROPERTIES[entity] ?? {}

  it(`every property the ${version} types declare is a column or deliberately left out`, () => {
    const missing: string[] = []
    for (const { path, kind } of declared) {
      if (kind === 'complex' || kind === 'element' || ours.has(path) || path in omitted) continue
      // A collection projected across its elements: each element property must be there.
      const children = [...ours].filter(p => p.startsWith(`${path}.`))
      if (kind === 'collection' && children.length > 0) {
        const elementProps = declared.filter(
          d =>
            d.kind === 'element' &&
            d.path.startsWith(`${path}.`) &&
            !d.path.slice(path.length + 1).includes('.')
        )
        for (const e of elementProps) {
          if (!ours.has(e.path) && !(e.path in omitted)) missing.push(e.path)
        }
        continue
      }
      missing.push(path)
    }
    // Add these to src/output/columns-schema.ts, or to src/output/columns-omitted.ts with a reason.
    expect(missing).toEqual([])
  })

  it(`offers no column the ${version} types do not declare`, () => {
    const known = new Set(declared.map(d => d.path))
    // `columns: all` is these paths (a few audit ones shown through readable projections, see columns.ts).
    expect([...ours].filter(p => !known.has(p))).toEqual([])
    expect(columnsFor(logType, 'all').length).toBeGreaterThanOrEqual(ours.size - 2)
  })

  it('the default columns are a subset of `columns: all`', () => {
    const all = new Set(columnsFor(logType, 'all').map(c => c.name))
    expect(columnsFor(logType, 'default').filter(c => !all.has(c.name))).toEqual([])
  })

  it('lists only declared properties as left out, none that are columns', () => {
    const known = new Set(declared.map(d => d.path))
    for (const path of Object.keys(omitted)) {
      expect([path, known.has(path), ours.has(path)]).toEqual([path, true, false])
      expect(omitted[path].length).toBeGreaterThan(10)
    }
  })
})
