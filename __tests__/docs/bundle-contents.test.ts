/**
 * dist/ is what runners execute and what we redistribute: it holds no dead
 * chunks, and its third-party notices name every package whose code it holds.
 * (check-dist.yml rebuilds dist/ and fails on any difference, so these hold
 * for the bundle of the committed source.)
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DIST = join(ROOT, 'dist')
const files = readdirSync(DIST).sort()
const bundle = readFileSync(join(DIST, 'index.js'), 'utf8')
const notices = readFileSync(join(DIST, 'licenses.txt'), 'utf8')

/** `name version` of each notice. */
const noticed = [...notices.matchAll(/^-{78}\n(\S+) (\S+)\nLicense: /gm)].map(m => ({
  name: m[1],
  version: m[2]
}))

describe('dist/', () => {
  it('holds the entry, its package.json, the notices and no dead chunk', () => {
    const chunks = files.filter(f => /^\d+\.index\.js$/.test(f))
    expect(files).toEqual(['index.js', 'licenses.txt', 'package.json', ...chunks].sort())
    expect(files).not.toContain('xdg-open')
    // The one lazy chunk is the stand-in for `open` (browser sign-in, never used), not the package.
    expect(chunks.length).toBeLessThanOrEqual(1)
    for (const chunk of chunks) {
      const text = readFileSync(join(DIST, chunk), 'utf8')
      expect(text).toContain('Opening a browser is not supported in this action.')
      expect(text.length).toBeLessThan(2_000)
    }
    expect(bundle).not.toContain('xdg-open')
  })

  it('names in the notices every package whose code is in the bundle', () => {
    const [, count] = /^(\d+) npm packages have code in dist\/\./m.exec(notices) ?? []
    expect(noticed.length).toBe(Number(count))
    expect(noticed.length).toBeGreaterThan(150)
    const names = new Set(noticed.map(n => n.name))
    // Packages the bundle itself names (webpack's concatenated-module comments).
    const seen = new Set(
      [
        ...bundle.matchAll(
          /CONCATENATED MODULE: \.\/(?:[^ ]*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//g
        )
      ].map(m => m[1])
    )
    expect(seen.size).toBeGreaterThan(20)
    expect([...seen].filter(name => !names.has(name))).toEqual([])
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies).filter(name => !names.has(name))).toEqual([])
  })

  it('gives each notice a licence, and the licence text it ships', () => {
    const sections = notices.split(/^-{78}\n/m).slice(1)
    expect(sections.length).toBe(noticed.length)
    for (const section of sections) {
      const [head, licence] = section.split('\n')
      expect({ head, licence }).toEqual({ head, licence: expect.stringMatching(/^License: \S/) })
      expect(section.split('\n').length).toBeGreaterThan(4)
    }
  })
})
