/**
 * The simulated directory: users, applications, managed identities, places and
 * policies that log records refer to. Some names are deliberately hostile to CSV,
 * spreadsheets, HTML and markdown, because real tenants contain such names.
 */
import { guid, int, mulberry32, pick, type Rng } from './random.js'

export interface User {
  id: string
  displayName: string
  userPrincipalName: string
}

export interface App {
  appId: string
  displayName: string
  /** Object id of the service principal in this tenant. */
  servicePrincipalId: string
  servicePrincipalName: string
}

export interface ManagedIdentity extends App {
  msiType: 'systemAssigned' | 'userAssigned'
  associatedResourceId: string
}

export interface Place {
  city: string
  state: string
  countryOrRegion: string
  latitude: number
  longitude: number
}

export interface Directory {
  tenantId: string
  domain: string
  users: User[]
  apps: App[]
  managedIdentities: ManagedIdentity[]
  resources: App[]
  policies: { id: string; displayName: string }[]
}

/** Strings that break naive CSV writers, spreadsheets, HTML summaries and markdown. */
export const HOSTILE_NAMES: readonly string[] = [
  'Zoë Ødegård',
  "O'Brien, Seán",
  'Quote "The Boss" Smith',
  'Line\r\nBreak',
  'Tab\tSeparated',
  '=HYPERLINK("http://evil.example","click")',
  '+SUM(1,2)',
  '-2+3',
  '@cmd',
  '<img src=x onerror=alert(1)>',
  '| pipe |',
  '**bold** _it_',
  '🚀 Rocket Ünïcødé',
  '李小龙',
  'Trailing space ',
  'Back\\slash'
]

const FIRST = ['Adele', 'Alex', 'Bianca', 'Chen', 'Diego', 'Emma', 'Farah', 'Grady', 'Hiro']
const LAST = ['Vance', 'Wilber', 'Ruiz', 'Li', 'Okafor', 'Nakamura', 'Schmidt', 'Patel', 'Berg']
const APP_NAMES = [
  'Microsoft Teams',
  'Office 365 Exchange Online',
  'Azure Portal',
  'Microsoft Graph Command Line Tools',
  'SharePoint Online Web Client',
  'Payroll Sync',
  'Backup Agent',
  'CI Deployer',
  'HR Connector',
  'Log Shipper'
]

export const PLACES: readonly Place[] = [
  { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', latitude: 47.674, longitude: -122.121 },
  { city: 'Oslo', state: 'Oslo', countryOrRegion: 'NO', latitude: 59.913, longitude: 10.752 },
  { city: 'São Paulo', state: 'São Paulo', countryOrRegion: 'BR', latitude: -23.55, longitude: -46.633 },
  { city: 'Zürich', state: 'Zürich', countryOrRegion: 'CH', latitude: 47.376, longitude: 8.541 },
  { city: 'Tokyo', state: 'Tokyo', countryOrRegion: 'JP', latitude: 35.676, longitude: 139.65 },
  { city: 'Dublin', state: 'Dublin', countryOrRegion: 'IE', latitude: 53.349, longitude: -6.26 },
  { city: 'Washington, D.C.', state: 'District of Columbia', countryOrRegion: 'US', latitude: 38.907, longitude: -77.036 }
] // prettier-ignore

function ascii(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[\s"',]/g, '')
    .toLowerCase()
}

function makeUser(rng: Rng, domain: string, hostile: boolean, n: number): User {
  const displayName = hostile
    ? HOSTILE_NAMES[n % HOSTILE_NAMES.length]
    : `${pick(rng, FIRST)} ${pick(rng, LAST)}`
  // Hostile users keep the odd characters in the UPN too (guest UPNs get strange).
  const local = hostile ? displayName.replace(/\s/g, '.') : ascii(displayName).slice(0, 12) + n
  return { id: guid(rng), displayName, userPrincipalName: `${local}@${domain}` }
}

function makeApp(rng: Rng, name: string): App {
  const appId = guid(rng)
  return {
    appId,
    displayName: name,
    servicePrincipalId: guid(rng),
    servicePrincipalName: name
  }
}

export function makeDirectory(seed: number, hostileFraction: number): Directory {
  const rng = mulberry32(seed ^ 0x5eed)
  const domain = 'contoso.onmicrosoft.com'
  const users: User[] = []
  for (let i = 0; i < 200; i++) users.push(makeUser(rng, domain, rng() < hostileFraction, i))
  // Always include every hostile name at least once so small datasets exercise them.
  if (hostileFraction > 0) {
    HOSTILE_NAMES.forEach((_, i) => users.push(makeUser(rng, domain, true, i)))
  }
  const apps = APP_NAMES.map(n => makeApp(rng, n))
  for (let i = 0; i < 30; i++) apps.push(makeApp(rng, `Automation ${i}`))
  if (hostileFraction > 0) apps.push(makeApp(rng, 'Export, "quoted" =app <b>'))
  const managedIdentities: ManagedIdentity[] = []
  for (let i = 0; i < 15; i++) {
    const userAssigned = rng() < 0.4
    const name = userAssigned ? `uami-workload-${i}` : `vm-build-${i}`
    const sub = guid(rng)
    const provider = userAssigned
      ? `Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
      : `Microsoft.Compute/virtualMachines/${name}`
    managedIdentities.push({
      ...makeApp(rng, name),
      msiType: userAssigned ? 'userAssigned' : 'systemAssigned',
      associatedResourceId: `/subscriptions/${sub}/resourceGroups/rg-${int(rng, 1, 9)}/providers/${provider}`
    })
  }
  const resources = [
    'Microsoft Graph',
    'Windows Azure Service Management API',
    'Azure Key Vault'
  ].map(n => makeApp(rng, n))
  const policies = [
    'Require MFA for admins',
    'Block legacy auth',
    'Compliant device, "strict"'
  ].map(displayName => ({ id: guid(rng), displayName }))
  return { tenantId: guid(rng), domain, users, apps, managedIdentities, resources, policies }
}
