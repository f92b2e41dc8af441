// Drives the real @actions/core: inputs arrive as INPUT_* variables, exactly as the
// runner passes them, and masking is observed on stdout as workflow commands.
import { jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CLOUD_ENDPOINTS } from '../../src/clouds.js'
import { InputDefaults, Inputs } from '../../src/constants.js'
import { UserError } from '../../src/errors.js'
import { describeSettings, readSettings } from '../../src/inputs/index.js'
import { LOG_TYPES } from '../../src/settings.js'
import { parseActionYml } from '../support/action-yml.js'

const NOW = new Date('2026-10-05T10:37:12Z')
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const CLIENT = '11111111-2222-3333-4444-555555555555'
const SECRET = 'Sup3r~Secr3t.Value_abc123'
const RUNNER_TEMP = path.join(os.tmpdir(), 'runner-temp-for-test')

function setInputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
}

function clearInputs(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
}

function read(env: NodeJS.ProcessEnv = { RUNNER_TEMP }) {
  return readSettings({ now: NOW, env })
}

/** Minimal valid inputs plus overrides. */
function readWith(values: Record<string, string>, env?: NodeJS.ProcessEnv) {
  setInputs({ 'tenant-id': TENANT, 'client-id': CLIENT, 'client-secret': SECRET, ...values })
  return read(env)
}

function expectUserError(call: () => unknown, ...fragments: string[]): void {
  let caught: unknown
  try {
    call()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(UserError)
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment)
}

let stdout: string[]
beforeEach(() => {
  clearInputs()
  stdout = []
  // Workflow commands (::add-mask::) go to stdout; capture them instead of printing.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(chunk.toString())
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  clearInputs()
})

describe('defaults', () => {
  it('minimal inputs give the documented defaults', () => {
    const { settings, warnings } = readWith({})
    expect(warnings).toEqual([])
    expect(settings).toEqual({
      tenantId: TENANT,
      clientId: CLIENT,
      auth: 'client-secret',
      clientSecret: SECRET,
      clientCertificate: undefined,
      oidcAudience: 'api://AzureADTokenExchange',
      cloud: 'public',
      authorityHost: 'https://login.microsoftonline.com',
      graphEndpoint: 'https://graph.microsoft.com',
      logTypes: ['service-principal-sign-ins', 'audit-logs'],
      window: { start: new Date('2026-10-04T10:37:12Z'), end: NOW },
      align: 'none',
      filter: '',
      formats: { csv: true, jsonl: false },
      columns: 'default',
      outputDir: path.join(RUNNER_TEMP, 'entra-log-export', 'entra-logs'),
      upload: true,
      artifactName: 'entra-logs',
      retentionDays: undefined,
      compressionLevel: 6,
      rateLimit: 5,
      maxConcurrency: 4,
      pageSize: 1000,
      escapeFormulas: true,
      maxRowsPerFile: 1_000_000,
      csvBom: true,
      incremental: false,
      stateKey: '',
      overlapMs: 2 * 3_600_000,
      sinceIsAbsolute: false,
      timeBudgetMs: undefined
    })
  })

  it('falls back to the OS temp dir without RUNNER_TEMP', () => {
    expect(readWith({}, {}).settings.outputDir).toBe(
      path.join(realpathSync(os.tmpdir()), 'entra-log-export', 'entra-logs')
    )
  })

  it('resolves a relative output-dir to an absolute path', () => {
    expect(readWith({ 'output-dir': 'out/logs' }).settings.outputDir).toBe(path.resolve('out/logs'))
  })

  it('action.yml declares every input with the defaults the code applies', () => {
    const declared = parseActionInputs(readFileSync('action.yml', 'utf8'))
    expect(Object.keys(declared).sort()).toEqual(Object.values(Inputs).sort())
    for (const name of Object.values(Inputs)) {
      expect([name, declared[name]]).toEqual([name, InputDefaults[name] ?? ''])
    }
  })

  it('action.yml holds no ${{ }}: the runner evaluates it even in descriptions and fails to load', () => {
    expect(readFileSync('action.yml', 'utf8')).not.toContain('${{')
  })

  it('passing the action.yml defaults explicitly changes nothing', () => {
    const implicit = readWith({}).settings
    clearInputs()
    setInputs(parseActionInputs(readFileSync('action.yml', 'utf8')))
    expect(readWith({}).settings).toEqual(implicit)
  })
})

describe('whole numbers', () => {
  it.each([
    ['page-size', ['0', '1001', '1.5', 'abc', '-1', '1e3'], 'from 1 to 1000'],
    ['compression-level', ['10', '-1', '6.0', 'max'], 'from 0 to 9'],
    ['max-concurrency', ['0', '17', ' 4x'], 'from 1 to 16'],
    ['max-rows-per-file', ['0', '1048576', '1,000'], 'from 1 to 1048575'],
    ['retention-days', ['0', '401', '30d'], 'from 1 to 400'],
    ['rate-limit', ['0', '2.5', 'fast', '99999999999999999999'], 'of at least 1']
  ])('%s rejects bad values, naming input, value and range', (name, values, range) => {
    for (const value of values) {
      clearInputs()
      expectUserError(
        () => readWith({ [name]: value }),
        `Input '${name}' must be a whole number ${range}; got '${value.trim()}'.`
      )
    }
  })

  it('accepts the edges of each range', () => {
    const { settings } = readWith({
      'page-size': '1',
      'compression-level': '0',
      'max-concurrency': '16',
      'max-rows-per-file': '1048575',
      'retention-days': '90',
      'rate-limit': '1'
    })
    expect(settings).toMatchObject({
      pageSize: 1,
      compressionLevel: 0,
      maxConcurrency: 16,
      maxRowsPerFile: 1_048_575,
      retentionDays: 90,
      rateLimit: 1
    })
  })

  it('warns, not fails, for a rate limit above the documented 5', () => {
    const { settings, warnings } = readWith({ 'rate-limit': '10' })
    expect(settings.rateLimit).toBe(10)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("Input 'rate-limit' is 10")
    expect(warnings[0]).toContain('5 requests per 10 seconds per app per tenant')
    expect(warnings[0]).toContain('429')
  })
})

describe('booleans', () => {
  it.each(['upload', 'escape-formulas', 'csv-bom', 'incremental'])(
    '%s accepts true/false and rejects other text',
    name => {
      expect(readWith({ [name]: 'False' }).settings).toMatchObject(
        Object.fromEntries([[camel(name), false]])
      )
      expect(readWith({ [name]: 'TRUE' }).settings).toMatchObject(
        Object.fromEntries([[camel(name), true]])
      )
      for (const bad of ['ture', 'yes', '1']) {
        expectUserError(
          () => readWith({ [name]: bad }),
          `Input '${name}' must be true | false; got '${bad}'.`
        )
      }
    }
  )
})

describe('identity inputs', () => {
  it('requires tenant-id and client-id', () => {
    setInputs({ 'client-id': CLIENT, 'client-secret': SECRET })
    expectUserError(() => read(), "Input 'tenant-id' is required")
    clearInputs()
    setInputs({ 'tenant-id': TENANT, 'client-secret': SECRET })
    expectUserError(() => read(), "Input 'client-id' is required")
  })

  it('accepts a tenant GUID or domain, rejects anything else', () => {
    expect(readWith({ 'tenant-id': 'contoso.onmicrosoft.com' }).settings.tenantId).toBe(
      'contoso.onmicrosoft.com'
    )
    for (const bad of ['common', 'contoso', 'con_toso.com', 'https://contoso.com', '-a.com']) {
      expectUserError(() => readWith({ 'tenant-id': bad }), "Input 'tenant-id'", `got '${bad}'`)
    }
  })

  it('requires client-id to be a GUID', () => {
    expectUserError(() => readWith({ 'client-id': 'my-app' }), "Input 'client-id'", "got 'my-app'")
  })
})

describe('auth', () => {
  const base = { 'tenant-id': TENANT, 'client-id': CLIENT }
  const oidcEnv = { RUNNER_TEMP, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/?x=1' }

  it('auto picks the secret first', () => {
    setInputs({ ...base, 'client-secret': SECRET, 'client-certificate': pem.good })
    const { settings, warnings } = read(oidcEnv)
    expect(settings.auth).toBe('client-secret')
    expect(settings.clientCertificate).toBeUndefined()
    expect(warnings.join('\n')).toContain("'client-certificate' is set but ignored")
  })

  it('auto picks the certificate when there is no secret', () => {
    setInputs({ ...base, 'client-certificate': pem.good })
    const { settings } = read(oidcEnv)
    expect(settings.auth).toBe('certificate')
    expect(settings.clientCertificate).toBe(pem.good.trim())
    expect(settings.clientSecret).toBeUndefined()
  })

  it('auto picks OIDC when the job can mint an ID token', () => {
    setInputs(base)
    expect(read(oidcEnv).settings.auth).toBe('oidc')
  })

  it('auto without any credential explains the three ways out', () => {
    setInputs(base)
    expectUserError(
      () => read(),
      "'client-secret'",
      "'client-certificate'",
      '`permissions: id-token: write`',
      'pull requests from forks'
    )
  })

  it('explicit modes need their credential', () => {
    setInputs({ ...base, auth: 'client-secret' })
    expectUserError(() => read(oidcEnv), "'client-secret' is empty", 'forks')
    clearInputs()
    setInputs({ ...base, auth: 'certificate' })
    expectUserError(() => read(), "'client-certificate' is empty")
    clearInputs()
    setInputs({ ...base, auth: 'oidc' })
    expectUserError(() => read(), 'id-token: write')
    clearInputs()
    setInputs({ ...base, auth: 'Azure-CLI' })
    expect(read().settings.auth).toBe('azure-cli')
  })

  it('rejects an unknown mode', () => {
    expectUserError(
      () => readWith({ auth: 'password' }),
      "Input 'auth' must be one of auto | client-secret | certificate | oidc | azure-cli; got 'password'."
    )
  })

  it('rejects an encrypted private key and says how to decrypt it', () => {
    for (const encrypted of [pem.encryptedPkcs8, pem.encryptedTraditional]) {
      clearInputs()
      setInputs({ ...base, 'client-certificate': encrypted })
      expectUserError(() => read(), 'encrypted private key', 'openssl pkey')
    }
  })

  it('rejects a PEM without the key or the certificate', () => {
    setInputs({ ...base, 'client-certificate': pem.certOnly })
    expectUserError(() => read(), 'client-certificate', 'found CERTIFICATE', 'openssl pkcs12')
    clearInputs()
    setInputs({ ...base, 'client-certificate': pem.keyOnly })
    expectUserError(
      () => read(),
      'client-certificate',
      'found PRIVATE KEY',
      '-----BEGIN CERTIFICATE-----'
    )
  })

  it('rejects a key that does not belong to the certificate', () => {
    setInputs({ ...base, 'client-certificate': pem.mismatched })
    expectUserError(() => read(), 'does not belong to any certificate')
  })
})

describe('secret masking', () => {
  const maskLines = (): string[] =>
    stdout
      .join('')
      .split(os.EOL)
      .filter(line => line.startsWith('::add-mask::'))
  const otherOutput = (): string =>
    stdout
      .join('')
      .split(os.EOL)
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')

  it('masks the secret before validation fails, and never prints it otherwise', () => {
    setInputs({ 'tenant-id': 'not a tenant', 'client-id': CLIENT, 'client-secret': SECRET })
    let message = ''
    try {
      read()
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("Input 'tenant-id'")
    expect(message).not.toContain(SECRET)
    expect(maskLines()).toContain(`::add-mask::${SECRET}`)
    expect(otherOutput()).not.toContain(SECRET)
  })

  it('masks the whole certificate and each line of its private key', () => {
    setInputs({ 'tenant-id': TENANT, 'client-id': CLIENT, 'client-certificate': pem.good })
    const { settings } = read()
    const keyLines = pem.key
      .split('\n')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('-----'))
    expect(keyLines.length).toBeGreaterThan(5)
    const masks = maskLines()
    for (const line of keyLines) expect(masks).toContain(`::add-mask::${line}`)
    // A multi-line mask travels with escaped line breaks.
    expect(masks).toContain(`::add-mask::${pem.good.trim().replace(/\n/g, '%0A')}`)
    for (const line of keyLines) expect(otherOutput()).not.toContain(line)
    const described = describeSettings(settings)
    expect(described).toContain('client-certificate: (set, masked)')
    for (const line of keyLines) expect(described).not.toContain(line)
  })

  it('describeSettings lists resolved values without the secret', () => {
    const described = describeSettings(readWith({ 'log-types': 'all' }).settings)
    expect(described).toContain('client-secret: (set, masked)')
    expect(described).toContain(`tenant-id: ${TENANT}`)
    expect(described).toContain('window: 2026-10-04T10:37:12Z .. 2026-10-05T10:37:12Z (exclusive)')
    expect(described).toContain(`log-types: ${LOG_TYPES.join(', ')}`)
    expect(described).not.toContain(SECRET)
  })
})

describe('endpoints and cloud', () => {
  it('takes both endpoints from the cloud', () => {
    const { settings } = readWith({ cloud: 'USGov-DoD' })
    expect(settings.cloud).toBe('usgov-dod')
    expect(settings.authorityHost).toBe(CLOUD_ENDPOINTS['usgov-dod'].authorityHost)
    expect(settings.graphEndpoint).toBe(CLOUD_ENDPOINTS['usgov-dod'].graphEndpoint)
  })

  it('rejects an unknown cloud', () => {
    expectUserError(
      () => readWith({ cloud: 'azure' }),
      "Input 'cloud' must be one of public | usgov | usgov-dod | china; got 'azure'."
    )
  })

  it('normalises https overrides', () => {
    const { settings } = readWith({
      'authority-host': 'https://LOCALHOST:8443/',
      'graph-endpoint': 'https://localhost:8444/graph//'
    })
    expect(settings.authorityHost).toBe('https://localhost:8443')
    expect(settings.graphEndpoint).toBe('https://localhost:8444/graph')
  })

  it.each(['authority-host', 'graph-endpoint'])('%s accepts only https URLs', name => {
    for (const bad of [
      'http://localhost:8443',
      'localhost:8443',
      'not a url',
      'https://u:p@h.example'
    ]) {
      clearInputs()
      expectUserError(
        () => readWith({ [name]: bad }),
        `Input '${name}' must be an https URL`,
        `got '${bad}'`
      )
    }
  })

  it('rejects a version segment on graph-endpoint', () => {
    for (const bad of ['https://graph.microsoft.com/v1.0', 'https://graph.microsoft.com/beta/']) {
      clearInputs()
      expectUserError(() => readWith({ 'graph-endpoint': bad }), 'Drop the trailing /v1.0 or /beta')
    }
  })
})

describe('log-types', () => {
  const types = (value: string): string[] => readWith({ 'log-types': value }).settings.logTypes

  it("expands 'all' to the catalogue", () => {
    expect(types('all')).toEqual([...LOG_TYPES])
    expect(types('ALL, audit-logs')).toEqual([...LOG_TYPES])
  })

  it('accepts mixed case, newlines and duplicates, returning catalogue order', () => {
    expect(types('Audit-Logs\n  interactive-sign-ins ,\naudit-logs,\n')).toEqual([
      'interactive-sign-ins',
      'audit-logs'
    ])
  })

  it('rejects unknown names listing the allowed ones', () => {
    expectUserError(
      () => types('audit-logs, signins'),
      "unknown log type 'signins'",
      `Allowed: all, ${LOG_TYPES.join(', ')}.`
    )
  })

  it('rejects a list that names nothing', () => {
    expectUserError(() => types(' , \n ,'), "Input 'log-types' names no log type")
  })
})

describe('other inputs', () => {
  it('parses format lists', () => {
    const formats = (value: string) => readWith({ format: value }).settings.formats
    expect(formats('jsonl')).toEqual({ csv: false, jsonl: true })
    expect(formats('both')).toEqual({ csv: true, jsonl: true })
    expect(formats('CSV, jsonl')).toEqual({ csv: true, jsonl: true })
    expectUserError(
      () => formats('csv, xlsx'),
      "Input 'format' must be csv, jsonl, both",
      "got 'csv, xlsx'"
    )
  })

  it('checks columns and align', () => {
    expect(readWith({ columns: 'all' }).settings.columns).toBe('all')
    expectUserError(
      () => readWith({ columns: 'some' }),
      "Input 'columns' must be one of default | all"
    )
    expectUserError(
      () => readWith({ align: 'week' }),
      "Input 'align' must be one of none | hour | day"
    )
  })

  it('resolves the window with alignment and passes on retention warnings', () => {
    const { settings, warnings } = readWith({ since: '40d', align: 'day' })
    expect(settings.window.start.toISOString()).toBe('2026-08-26T00:00:00.000Z')
    expect(settings.window.end.toISOString()).toBe('2026-10-05T00:00:00.000Z')
    expect(warnings.join('\n')).toContain('at most 30 days')
  })

  it('rejects a bad since naming the input', () => {
    expectUserError(() => readWith({ since: 'yesterday' }), "Input 'since'", "got 'yesterday'")
  })

  it('accepts balanced filters and rejects unbalanced quotes or parentheses', () => {
    const ok = "(appId eq 'a''b' or appDisplayName eq 'x (y')"
    expect(readWith({ filter: ok }).settings.filter).toBe(ok)
    expectUserError(() => readWith({ filter: "appId eq 'abc" }), 'unbalanced single quote')
    expectUserError(() => readWith({ filter: "(appId eq 'a'" }), 'unbalanced parentheses')
    expectUserError(() => readWith({ filter: "appId eq 'a')(" }), 'unbalanced parentheses')
  })

  it('rejects artifact names with forbidden characters, naming the character', () => {
    for (const [name, label] of [
      ['logs:daily', 'colon (:)'],
      ['logs/daily', 'forward slash (/)'],
      ['logs\\daily', 'backslash (\\)'],
      ['logs\ndaily', 'line feed'],
      ['a?', 'question mark (?)']
    ]) {
      clearInputs()
      expectUserError(() => readWith({ 'artifact-name': name }), `must not contain a ${label}`)
    }
    expectUserError(() => readWith({ 'artifact-name': 'x'.repeat(257) }), 'at most 256 characters')
    expect(readWith({ 'artifact-name': 'entra logs 2026-10-05' }).settings.artifactName).toBe(
      'entra logs 2026-10-05'
    )
  })

  it('parses the incremental inputs', () => {
    const { settings } = readWith({
      incremental: 'true',
      'state-key': 'prod-tenant',
      overlap: '90m'
    })
    expect(settings).toMatchObject({
      incremental: true,
      stateKey: 'prod-tenant',
      overlapMs: 5_400_000
    })
    expect(readWith({ overlap: '0' }).settings.overlapMs).toBe(0)
    expectUserError(
      () => readWith({ overlap: '8d' }),
      "Input 'overlap' must be at most 7d",
      "got '8d'"
    )
    expectUserError(() => readWith({ overlap: 'long' }), "Input 'overlap' must be a duration")
    expectUserError(
      () => readWith({ 'state-key': 'a,b' }),
      "Input 'state-key' must not contain a comma"
    )
  })
})

// ---------------------------------------------------------------------------

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

/** `inputs:` names and defaults from action.yml (read with a YAML parser), as the runner passes them. */
function parseActionInputs(text: string): Record<string, string> {
  return Object.fromEntries(parseActionYml(text).inputs.map(i => [i.name, i.default ?? '']))
}

/** Real PEM material from openssl: the certificate check parses keys for real. */
const pem = {
  good: '',
  key: '',
  certOnly: '',
  keyOnly: '',
  mismatched: '',
  encryptedPkcs8: '',
  encryptedTraditional: ''
}

beforeAll(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inputs-test-'))
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
  }
  const file = (name: string): string => readFileSync(path.join(dir, name), 'utf8')
  try {
    for (const n of ['1', '2']) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `key${n}.pem`,
        '-out',
        `cert${n}.pem`,
        '-days',
        '3650',
        '-subj',
        `/CN=entra-log-export test ${n}`
      )
    }
    openssl('pkey', '-in', 'key1.pem', '-aes256', '-passout', 'pass:pw', '-out', 'enc8.pem')
    pem.key = file('key1.pem')
    pem.good = `${pem.key}${file('cert1.pem')}\n`
    pem.certOnly = file('cert1.pem')
    pem.keyOnly = pem.key
    pem.mismatched = `${pem.key}${file('cert2.pem')}`
    pem.encryptedPkcs8 = `${file('enc8.pem')}${file('cert1.pem')}`
    // Traditional (OpenSSL 1.x style) encryption shows as headers inside the block.
    pem.encryptedTraditional =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n' +
      `-----END RSA PRIVATE KEY-----\n${file('cert1.pem')}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

describe('untrusted text in inputs', () => {
  it.each(['.', '..', '   '])('artifact-name %j is refused, naming the input', name => {
    expectUserError(
      () => readWith({ 'artifact-name': name }),
      "Input 'artifact-name' must be a name"
    )
  })

  it.each([
    ['state-key', 'prod\n::error::x', 'a line feed'],
    ['filter', "appId eq 'a'\r or x", 'a carriage return'],
    ['oidc-audience', 'api://x\u0000', 'U+0000'],
    ['artifact-name', 'logs\u2028x', 'U+2028'],
    ['output-dir', 'out\tdir', 'a tab'],
    ['graph-endpoint', 'https://graph.\nmicrosoft.com', 'a line feed'],
    ['since', '24h\u001b[31m', 'U+001B']
  ])(
    '%s with a control character is refused, and the value is shown escaped',
    (input, value, label) => {
      let caught: unknown
      try {
        readWith({ [input]: value })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(UserError)
      const message = (caught as Error).message
      expect(message).toContain(`Input '${input}' must not contain`)
      expect(message).toContain(label)
      // eslint-disable-next-line no-control-regex
      expect(message).not.toMatch(/[\r\n\u0000\u001b\u2028]/)
    }
  )

  it('accepts log-types and format one per line', () => {
    const { settings } = readWith({
      'log-types': 'audit-logs\r\nprovisioning-logs',
      format: 'csv\njsonl'
    })
    expect(settings.logTypes).toEqual(['audit-logs', 'provisioning-logs'])
    expect(settings.formats).toEqual({ csv: true, jsonl: true })
  })
})
