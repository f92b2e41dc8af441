/** The findings half of the summary: what happened in the tenant, as capped, escaped tables. */
import type {
  AuditFindings,
  Findings,
  LogTypeFindings,
  ProvisioningFindings,
  TopList,
  UserFindings,
  WorkloadFindings
} from '../findings/types.js'
import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName } from '../settings.js'
import { escapeInline } from './html.js'
import { addTable, count, percent, RESERVE_BYTES, section, type Budget } from './summary-format.js'
import { addTimelines } from './summary-timeline.js'

/** Display names and activities; reasons get more room because the fix is often at the end. */
const NAME_CHARS = 120
const REASON_CHARS = 240

/** Columns of numbers, right-aligned; names, IDs and reasons read better left-aligned. */
const COUNT_HEADERS = new Set(['Sign-ins', 'Share', 'Failures', 'Operations', 'Events'])

const name = (text: string): string => escapeInline(text, { maxChars: NAME_CHARS })
const reason = (text: string): string => escapeInline(text, { maxChars: REASON_CHARS })

export function addFindings(budget: Budget, findings: Findings, partial: Set<LogTypeName>): void {
  const entries = Object.entries(findings.logTypes) as [LogTypeName, LogTypeFindings][]
  addTimelines(budget, entries)
  for (const [logType, f] of entries) {
    if (f.kind === 'count') continue
    const title = escapeInline(LOG_TYPE_SPECS[logType].title)
    const note = partial.has(logType) ? ' (partial: the export of this log type failed)' : ''
    if (!section(budget, `### ${title}${note}\n`)) continue
    if (f.kind === 'workload') addWorkload(budget, f, findings)
    else if (f.kind === 'user') addUser(budget, f, findings)
    else if (f.kind === 'audit') addAudit(budget, f, findings)
    else addProvisioning(budget, f, findings)
  }
}

/** Says when a list shows only part of what was counted, and why. */
function addListNote(budget: Budget, list: TopList, findings: Findings): void {
  const notes: string[] = []
  if (list.distinct > list.entries.length) {
    notes.push(
      `Top ${list.entries.length} of ${count(list.distinct)}${list.capped ? '+' : ''} distinct values.`
    )
  }
  if (list.capped) {
    notes.push(
      `Only the first ${count(findings.maxKeysPerList)} distinct values were counted (bounded memory); ` +
        `${count(list.otherRecords)} records with other values are counted as "other", ` +
        'so a value first seen late in the export may be missing from this list.'
    )
  }
  if (notes.length > 0) budget.add(`_${notes.join(' ')}_\n`, RESERVE_BYTES)
}

function addList(
  budget: Budget,
  findings: Findings,
  heading: string,
  list: TopList,
  headers: string[],
  row: (e: TopList['entries'][number]) => string[]
): void {
  if (list.entries.length === 0) return
  if (!section(budget, `#### ${heading}\n`)) return
  addTable(
    budget,
    headers,
    list.entries.map(row),
    headers.map(h => (COUNT_HEADERS.has(h) ? 'r' : 'l'))
  )
  addListNote(budget, list, findings)
}

/** A short list on one line: `US 120 · DE 30`. */
function inline(budget: Budget, label: string, list: TopList): void {
  if (list.entries.length === 0) return
  const items = list.entries.map(e => `${name(e.name)} ${count(e.count)}`).join(' · ')
  const more = list.distinct > list.entries.length || list.capped ? ' · …' : ''
  section(budget, `**${label}:** ${items}${more}\n`)
}

function addWorkload(budget: Budget, f: WorkloadFindings, findings: Findings): void {
  section(
    budget,
    `${count(f.records)} sign-ins, ${count(f.failures)} failed (${percent(f.failures, f.records)}).\n`
  )
  addList(
    budget,
    findings,
    'Credential types',
    f.credentialTypes,
    ['Credential type', 'Sign-ins', 'Share'],
    e => [
      e.name === 'clientSecret' ? `${name(e.name)} ⚠️ weakest` : name(e.name),
      count(e.count),
      percent(e.count, f.records)
    ]
  )
  const secrets = f.clientSecretPrincipals
  if (secrets.entries.length > 0) {
    const used = f.credentialTypes.entries.find(e => e.name === 'clientSecret')?.count ?? 0
    section(
      budget,
      `> [!WARNING]\n> ${count(used)} sign-ins by ${count(secrets.distinct)}${secrets.capped ? '+' : ''} service principals used a client secret, ` +
        `the weakest credential (a copyable shared secret). Move them to a certificate or a federated identity credential.\n`
    )
    addList(
      budget,
      findings,
      'Service principals signing in with a client secret',
      secrets,
      ['Service principal', 'App ID', 'Sign-ins'],
      e => [name(e.name), name(e.detail ?? ''), count(e.count)]
    )
  }
  addList(
    budget,
    findings,
    'Top service principals by sign-ins',
    f.topPrincipals,
    ['Service principal', 'App ID', 'Sign-ins'],
    e => [name(e.name), name(e.detail ?? ''), count(e.count)]
  )
  addList(
    budget,
    findings,
    'Top service principals by failures',
    f.topFailingPrincipals,
    ['Service principal', 'App ID', 'Failures', 'Top failure reasons'],
    e => [
      name(e.name),
      name(e.detail ?? ''),
      count(e.count),
      (e.reasons ?? [])
        .map(r => `<code>${name(r.detail ?? '')}</code> ${reason(r.name)} (×${count(r.count)})`)
        .join('<br>')
    ]
  )
  inline(budget, 'Countries', f.countries)
}

function addUser(budget: Budget, f: UserFindings, findings: Findings): void {
  section(
    budget,
    `${count(f.records)} sign-ins, ${count(f.failures)} failed (${percent(f.failures, f.records)}).\n`
  )
  addList(
    budget,
    findings,
    'Failures by reason',
    f.failureReasons,
    ['Reason', 'Error code', 'Sign-ins'],
    e => [reason(e.name), name(e.detail ?? ''), count(e.count)]
  )
  addList(budget, findings, 'Top applications', f.topApps, ['Application', 'Sign-ins'], e => [
    name(e.name),
    count(e.count)
  ])
  inline(budget, 'Countries', f.countries)
}

function addAudit(budget: Budget, f: AuditFindings, findings: Findings): void {
  section(
    budget,
    `${count(f.records)} operations, ${count(f.failures)} not successful (${percent(f.failures, f.records)}).\n`
  )
  addList(budget, findings, 'Top activities', f.topActivities, ['Activity', 'Operations'], e => [
    name(e.name),
    count(e.count)
  ])
  addList(
    budget,
    findings,
    'Top initiators',
    f.topInitiators,
    ['Initiator', 'Kind', 'Operations'],
    e => [name(e.name), name(e.detail ?? ''), count(e.count)]
  )
  addList(
    budget,
    findings,
    'Operations that did not succeed',
    f.failedActivities,
    ['Activity', 'Result', 'Operations'],
    e => [name(e.name), name(e.detail ?? ''), count(e.count)]
  )
}

function addProvisioning(budget: Budget, f: ProvisioningFindings, findings: Findings): void {
  section(
    budget,
    `${count(f.records)} provisioning events, ${count(f.failures)} failed (${percent(f.failures, f.records)}).\n`
  )
  addList(budget, findings, 'By status', f.statuses, ['Status', 'Events'], e => [
    name(e.name),
    count(e.count)
  ])
  addList(budget, findings, 'By action', f.actions, ['Action', 'Events'], e => [
    name(e.name),
    count(e.count)
  ])
}
