import { createFindings } from '../../src/findings/create-findings.js'
import type { Findings } from '../../src/findings/types.js'
import { buildManifest } from '../../src/output/manifest.js'
import { renderSummary, type SummaryInput } from '../../src/publish/summary.js'
import { LOG_TYPES } from '../../src/settings.js'
import {
  BOLD,
  BOLD_IT,
  DATASET,
  exportResult,
  IMG,
  IMG_UPN,
  logTypeResult,
  PIPE,
  R3,
  settingsFor
} from '../support/summary-fixtures.js'
import { nodes, textOf, toHtml, wellFormed, type MdNode } from './markdown.js'

function tenantFindings(): Findings {
  const findings = createFindings(settingsFor())
  for (const [logType, records] of DATASET) for (const r of records) findings.observe(logType, r)
  return findings.result()
}

function okInput(overrides: Partial<SummaryInput> = {}): SummaryInput {
  return {
    settings: settingsFor(),
    result: exportResult(
      DATASET.map(([logType, records]) => logTypeResult(logType, records.length))
    ),
    artifact: { id: 7, size: 250_000, url: 'https://github.com/o/r/actions/runs/42/artifacts/7' },
    runId: '42',
    findings: tenantFindings(),
    ...overrides
  }
}

/** Rows (as the text a reader sees) of the first table after the heading `title`. */
function tableAfter(root: MdNode, title: string): string[][] {
  const blocks = root.children ?? []
  const at = blocks.findIndex(b => b.type === 'heading' && textOf(b) === title)
  expect(at).toBeGreaterThanOrEqual(0)
  const table = blocks.slice(at + 1).find(b => b.type === 'table')
  return (table?.children ?? []).slice(1).map(row => (row.children ?? []).map(textOf))
}

describe('renderSummary for a complete run', () => {
  const markdown = renderSummary(okInput())
  let root: MdNode
  beforeAll(async () => {
    root = await wellFormed(markdown)
  })

  it('states tenant, cloud, auth, window, alignment and the artifact', () => {
    expect(markdown).toContain('## Entra ID log export: ✅ complete')
    expect(markdown).toContain('**Tenant** <code>11111111-2222-3333-4444-555555555555</code>')
    expect(markdown).toContain('**Cloud** public · **Auth** oidc')
    expect(markdown).toContain(
      '2026-10-05 00:00 UTC → 2026-10-06 00:00 UTC (24 h 00 m, end exclusive, aligned to the hour)'
    )
    expect(markdown).toContain('**Duration** 12.0 s')
    const html = toHtml(root)
    expect(html).toContain(
      '<a href="https://github.com/o/r/actions/runs/42/artifacts/7">entra-logs</a> (244 KiB zipped)'
    )
    expect(html).toContain('<code>gh run download 42 -n entra-logs</code>')
  })

  it('has one row per log type with files and sizes', () => {
    const rows = tableAfter(root, 'Log types')
    expect(rows.map(r => r[0])).toEqual([
      'Interactive user sign-ins',
      'Service principal sign-ins',
      'Managed identity sign-ins',
      'Directory audit logs',
      'Provisioning logs'
    ])
    // 8 rows × 1536 bytes = 12 KiB.
    expect(rows[1]).toEqual([
      'Service principal sign-ins',
      '✅ ok',
      '8',
      'service-principal-sign-ins.csv 12 KiB',
      '2',
      '0',
      '0',
      '0'
    ])
  })

  it('shows hostile display names as the text they are, in the right cells', () => {
    expect(tableAfter(root, 'Top service principals by sign-ins')).toEqual([
      ['Payroll Sync', 'a1', '4'],
      [IMG, 'a2', '2'],
      [BOLD, 'a4', '1'],
      [PIPE, 'a3', '1']
    ])
    const html = toHtml(root)
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(tableAfter(root, 'Top initiators')).toEqual([
      [BOLD_IT, 'app', '2'],
      ['admin@contoso.com', 'user', '2'],
      [IMG_UPN, 'user', '1'],
      ['eve@contoso.com', 'user', '1']
    ])
  })

  it('lists failing principals with their reasons on one row each', () => {
    const rows = tableAfter(root, 'Top service principals by failures')
    expect(rows.map(r => r.slice(0, 3))).toEqual([
      ['Payroll Sync', 'a1', '3'],
      [PIPE, 'a3', '1']
    ])
    expect(rows[0][3]).toBe(
      '7000215 Invalid client secret provided. (×2)700024 Client assertion is not within its valid time range. (×1)'
    )
    // The CR LF inside the reason did not end the row.
    expect(rows[1][3]).toBe(`50053 ${R3.replace('\r\n', ' ')} (×1)`)
  })

  it('flags client secrets as the weakest credential type', () => {
    expect(tableAfter(root, 'Credential types')).toEqual([
      ['clientSecret ⚠️ weakest', '4', '50%'],
      ['certificate', '2', '25%'],
      ['federatedIdentityCredential', '2', '25%']
    ])
    expect(markdown).toContain('> 4 sign-ins by 2 service principals used a client secret')
    expect(tableAfter(root, 'Service principals signing in with a client secret')).toEqual([
      ['Payroll Sync', 'a1', '3'],
      [BOLD, 'a4', '1']
    ])
  })

  it('shows user, audit and provisioning breakdowns', () => {
    expect(tableAfter(root, 'Top applications')).toEqual([
      ['Microsoft Teams', '3'],
      ['Azure Portal', '2']
    ])
    expect(tableAfter(root, 'Operations that did not succeed')).toEqual([
      ['Add member to group', 'timeout', '1'],
      ['Consent to application', 'failure', '1'],
      ['Update user', 'failure', '1']
    ])
    expect(tableAfter(root, 'By status')).toEqual([
      ['success', '2'],
      ['failure', '1'],
      ['skipped', '1']
    ])
    expect(markdown).toContain('6 operations, 3 not successful (50%).')
    expect(markdown).toContain('**Countries:** US 4 · (unknown) 1 · DE 1 · GB 1 · NL 1')
  })

  it('draws activity per hour with min and max', () => {
    const rows = tableAfter(root, 'Activity over time')
    // Hours 0-2 hold 2 each (the peak), hours 5 and 23 hold 1, the rest 0.
    const line = '███▁▁▅' + '▁'.repeat(17) + '▅'
    expect(rows[1]).toEqual(['Service principal sign-ins', line, '0', '2 at 2026-10-05 00:00 UTC'])
    expect(markdown).toContain(
      'One block per hour (UTC), 2026-10-05 00:00 UTC to 2026-10-06 00:00 UTC.'
    )
  })

  it('raises no warnings on a clean run', () => {
    expect(markdown).not.toContain('[!WARNING]\n> - ')
    expect(markdown).not.toContain('[!CAUTION]')
  })
})

describe('renderSummary when things go wrong', () => {
  it('shows failed log types with their fix, and partial files', async () => {
    const result = exportResult([
      logTypeResult('service-principal-sign-ins', 8),
      logTypeResult('audit-logs', 3, {
        status: 'failed',
        error: `Graph answered 403 Authentication_MSGraphPermissionMissing.\nGrant AuditLog.Read.All to the app, then admin consent. ${IMG}`
      }),
      logTypeResult('provisioning-logs', 0, {
        status: 'failed',
        error: 'Not licensed | P1 needed',
        files: []
      })
    ])
    const markdown = renderSummary(okInput({ result }))
    const root = await wellFormed(markdown)
    expect(markdown).toContain('## Entra ID log export: ⚠️ partial')
    const quotes = nodes(root, 'blockquote').map(textOf)
    const caution = quotes.find(q => q.startsWith('[!CAUTION]'))
    expect(caution).toContain('2 log types failed:')
    expect(caution).toContain('Grant AuditLog.Read.All to the app, then admin consent. ' + IMG)
    expect(caution).toContain('Not licensed | P1 needed')
    const warning = quotes.find(q => q.startsWith('[!WARNING]'))
    expect(warning).toContain('Directory audit logs is partial: 3 rows were kept')
    expect(tableAfter(root, 'Log types').map(r => r[1])).toEqual([
      '✅ ok',
      '⚠️ partial',
      '❌ failed'
    ])
    expect(markdown).toContain(
      '### Directory audit logs (partial: the export of this log type failed)'
    )
  })

  it('still renders when the run stopped before any export', async () => {
    const markdown = renderSummary({
      settings: settingsFor(),
      fatal:
        'AADSTS700016: Application not found in the directory.\nCheck client-id and tenant-id.',
      runId: '42'
    })
    const root = await wellFormed(markdown)
    expect(markdown).toContain('## Entra ID log export: ❌ failed')
    expect(markdown).toContain('**Artifact** not uploaded')
    const caution = nodes(root, 'blockquote').map(textOf)[0]
    expect(caution).toBe(
      '[!CAUTION]\nAADSTS700016: Application not found in the directory.Check client-id and tenant-id.'
    )
    expect(markdown).toContain('Application not found in the directory.<br>Check client-id')
    expect(markdown).not.toContain('### Log types')
  })

  it('warns about retention and throttling; a rate limit above Graph’s is warned once, when read', () => {
    const markdown = renderSummary(
      okInput({
        settings: settingsFor({ rateLimit: 10 }),
        startedAt: new Date('2026-11-14T00:00:00Z'),
        result: exportResult([logTypeResult('audit-logs', 6)], 12_000, 8_000)
      })
    )
    expect(markdown).toContain('The window starts 40 days before the run.')
    expect(markdown).toContain('Throttling dominated the run: 8.0 s of 12.0 s')
    // inputs/index.ts warns about it when the input is read (__tests__/unit/inputs.test.ts).
    expect(markdown).not.toContain('rate-limit')
  })

  it('says when the artifact was not uploaded', () => {
    const markdown = renderSummary(
      okInput({
        artifact: undefined,
        artifactNote: 'not uploaded (upload: false); files are in /tmp/x'
      })
    )
    // Our own note, escaped like any text: the colon would otherwise start an autolink scheme.
    expect(markdown).toContain('**Artifact** not uploaded (upload&#58; false); files are in /tmp/x')
  })
})

describe('renderSummary size', () => {
  /** Every list of every log type full of distinct 300-character names that escape to 6 bytes a character. */
  function hostileFindings(perLogType: number): Findings {
    const settings = settingsFor({ logTypes: [...LOG_TYPES] })
    const findings = createFindings(settings)
    for (const logType of LOG_TYPES) {
      for (let i = 0; i < perLogType; i++) {
        const n = `${i}${'|<*'.repeat(100)}`
        findings.observe(logType, {
          createdDateTime: '2026-10-05T01:00:00Z',
          activityDateTime: '2026-10-05T01:00:00Z',
          servicePrincipalName: n, appId: n, appDisplayName: n, clientCredentialType: n,
          status: { errorCode: i + 1, failureReason: n },
          location: { countryOrRegion: n },
          activityDisplayName: n, result: n, initiatedBy: { user: { userPrincipalName: n } },
          provisioningAction: n, provisioningStatusInfo: { status: n }
        }) // prettier-ignore
      }
    }
    return findings.result()
  }

  it('stays under 900 KiB with a huge number of distinct keys, and says lists are cut', async () => {
    const findings = hostileFindings(12_000)
    const list = (
      findings.logTypes['audit-logs'] as {
        topActivities: { distinct: number; otherRecords: number }
      }
    ).topActivities
    expect(list).toMatchObject({ distinct: 10_000, otherRecords: 2_000 })
    const markdown = renderSummary(
      okInput({ settings: settingsFor({ logTypes: [...LOG_TYPES] }), findings })
    )
    expect(Buffer.byteLength(markdown)).toBeLessThan(900 * 1024)
    expect(markdown).toContain('Top 10 of 10,000+ distinct values.')
    expect(markdown).toContain('2,000 records with other values are counted as "other"')
    await wellFormed(markdown)
  })

  it('cuts rows and sections at a lower limit and says so', async () => {
    const maxBytes = 16 * 1024
    const markdown = renderSummary(okInput({ findings: hostileFindings(20), maxBytes }))
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(maxBytes)
    expect(markdown).toMatch(
      /> \d+ rows or sections were cut to keep this summary under GitHub's 1 MiB limit/
    )
    expect(markdown).toContain('### Log types')
    await wellFormed(markdown)
  })
})

describe('manifest findings', () => {
  it('carries the same findings as JSON', () => {
    const findings = tenantFindings()
    const manifest = buildManifest(settingsFor(), okInput().result!, {
      tool: { name: 't', version: '0' },
      generatedAt: new Date(0),
      findings
    })
    expect(JSON.parse(JSON.stringify(manifest)).findings).toEqual(findings)
  })
})
