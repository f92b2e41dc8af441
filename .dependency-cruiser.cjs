/**
 * The import rule of src/ (issue #17): data flows one way, down this list, and
 * no file imports itself back through a cycle. A folder may import its own
 * files and folders EARLIER in the list, never a later one. Where an earlier
 * layer needs a later one (export writing through output's writers), it
 * declares the interface it needs and the composition root passes the
 * implementation in.
 *
 * Checked by `npm run lint:deps` and by __tests__/architecture/import-layers.test.ts.
 */

/** Shared root files (src/*.ts but the composition root) and the neutral src/records/. */
const ROOT_FILES = '^src/(?!(main|index|actions-log)[.]ts$)[^/]+[.]ts$'
/** The folders, in the order data flows through them. */
const LAYERS = ['inputs', 'auth', 'graph', 'state', 'export', 'output', 'findings', 'publish']
/** The composition root: wires every layer together, so it may import them all. */
const COMPOSITION_ROOT = '^src/(main|index|actions-log)[.]ts$'

/** Everything a file in `layer` must not import: later folders and the composition root. */
function laterThan(layer) {
  const later = LAYERS.slice(LAYERS.indexOf(layer) + 1)
  return [...later.map(l => `^src/${l}/`), COMPOSITION_ROOT].join('|')
}

function layerRules() {
  const rules = [
    {
      name: 'root-imports-root',
      comment:
        'Shared root files (constants, errors, settings, window, ...) import only each other and src/records/.',
      severity: 'error',
      from: { path: ROOT_FILES },
      to: { path: `^src/(?!records/)[^/]+/|${COMPOSITION_ROOT}` }
    },
    {
      name: 'records-imports-root',
      comment: 'src/records/ is neutral: it imports only root files and itself.',
      severity: 'error',
      from: { path: '^src/records/' },
      to: { path: `^src/(?!records/)[^/]+/|${COMPOSITION_ROOT}` }
    },
    {
      name: 'known-folder',
      comment: `A folder of src/ that is not in the layer list (${LAYERS.join(', ')}, records): place it in .dependency-cruiser.cjs.`,
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/(?!(records|${LAYERS.join('|')})/)[^/]+/` }
    }
  ]
  for (const layer of LAYERS) {
    rules.push({
      name: `${layer}-imports-only-earlier-layers`,
      comment: `${layer}/ may import root files, records/ and ${LAYERS.slice(0, LAYERS.indexOf(layer)).join(', ') || 'no other folder'}; never a later layer.`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: laterThan(layer) }
    })
  }
  return rules
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No file reaches itself through its imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    ...layerRules()
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from a later layer is still an upward edge.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '[.]d[.]ts$' }
  }
}
