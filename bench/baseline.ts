/**
 * The two baselines the benchmark compares against, written the way Microsoft's
 * guide and most scripts do it, with the Graph SDK and its default middleware
 * (authentication, RetryHandler honouring Retry-After, redirects, telemetry):
 * - sequential: one nextLink chain per log type, one log type after the other,
 *   each page written to CSV as it arrives;
 * - naive: the same chains, but every page collected into one array and the CSV
 *   written at the end (what most scripts do, and why they run out of memory).
 */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { TokenCredential } from '@azure/identity'
import { Client } from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { stringify } from 'csv-stringify'
import { graphScope } from '../src/clouds.js'
import { buildFilter } from '../src/graph/query.js'
import { LOG_TYPE_SPECS } from '../src/log-types.js'
import { columnsFor } from '../src/output/columns.js'
import type { LogTypeName, Settings } from '../src/settings.js'

type Row = Record<string, unknown>
interface GraphPage {
  value: Row[]
  '@odata.nextLink'?: string
}

export interface BaselineFile {
  logType: LogTypeName
  path: string
  rows: number
}

export function sdkClient(settings: Settings, credential: TokenCredential): Client {
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: [graphScope(settings.graphEndpoint)]
    }),
    baseUrl: `${settings.graphEndpoint}/`,
    // The simulated tenant is not a Graph host the SDK knows: without this no token is attached.
    customHosts: new Set([new URL(settings.graphEndpoint).hostname])
  })
}

/** Pages of one log type over the window, newest first, following @odata.nextLink. */
async function* pages(client: Client, settings: Settings, logType: LogTypeName) {
  const spec = LOG_TYPE_SPECS[logType]
  const window = { startMs: settings.window.start.getTime(), endMs: settings.window.end.getTime() }
  let request = client
    .api(spec.path)
    .version(spec.version)
    .filter(buildFilter(spec, window, settings.filter))
    .top(settings.pageSize)
    .header('Prefer', 'include-unknown-enum-members')
  // Audit and provisioning come in no particular order unless asked (their API reference documents $orderby).
  if (spec.order && 'orderBy' in spec.order) request = request.orderby(spec.order.orderBy)
  let page = (await request.get()) as GraphPage
  yield page.value
  while (page['@odata.nextLink']) {
    page = (await client
      .api(page['@odata.nextLink'])
      .header('Prefer', 'include-unknown-enum-members')
      .get()) as GraphPage
    yield page.value
  }
}

/**
 * A CSV of the fields a script picks (Select-Object style): the same names as our
 * default columns, read as dotted paths by csv-stringify, nested values as JSON.
 * Same columns, so both sides pay for about the same CSV.
 */
class ScriptCsv {
  rows = 0
  private readonly file
  private readonly stringifier

  constructor(
    readonly path: string,
    logType: LogTypeName
  ) {
    this.file = createWriteStream(path)
    const columns = columnsFor(logType, 'default').map(c => c.name)
    this.stringifier = stringify({ header: true, columns })
    this.stringifier.pipe(this.file)
  }

  async write(record: Row): Promise<void> {
    this.rows++
    if (!this.stringifier.write(record)) await once(this.stringifier, 'drain')
  }

  async close(): Promise<void> {
    this.stringifier.end()
    await once(this.file, 'close')
  }
}

export async function sequentialExport(
  settings: Settings,
  credential: TokenCredential
): Promise<BaselineFile[]> {
  const client = sdkClient(settings, credential)
  await mkdir(settings.outputDir, { recursive: true })
  const files: BaselineFile[] = []
  for (const logType of settings.logTypes) {
    const csv = new ScriptCsv(join(settings.outputDir, `${logType}.csv`), logType)
    for await (const records of pages(client, settings, logType)) {
      for (const record of records) await csv.write(record)
    }
    await csv.close()
    files.push({ logType, path: csv.path, rows: csv.rows })
  }
  return files
}

export async function naiveExport(
  settings: Settings,
  credential: TokenCredential
): Promise<BaselineFile[]> {
  const client = sdkClient(settings, credential)
  await mkdir(settings.outputDir, { recursive: true })
  const files: BaselineFile[] = []
  for (const logType of settings.logTypes) {
    const all: Row[] = []
    for await (const records of pages(client, settings, logType)) {
      for (const record of records) all.push(record)
    }
    const csv = new ScriptCsv(join(settings.outputDir, `${logType}.csv`), logType)
    for (const record of all) await csv.write(record)
    await csv.close()
    files.push({ logType, path: csv.path, rows: csv.rows })
  }
  return files
}
