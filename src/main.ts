// Not @actions/core itself: the same functions, with every message made safe for the
// runner's log first (actions-log.ts). No other module writes to the log.
import * as core from './actions-log.js'
import { graphScope } from './clouds.js'
import { createCredential, explainAuthError } from './auth/credential.js'
import { errorMessage, UserError } from './errors.js'
import { DEFAULT_TUNING, runExport, type ExportResult } from './export/run-export.js'
import { createFindings } from './findings/create-findings.js'
import { systemClock } from './graph/clock.js'
import { createGraphTransport } from './graph/graph-transport.js'
import { describeSettings, readSettings } from './inputs/index.js'
import type { Logger } from './logger.js'
import { writeChecksums } from './output/checksums.js'
import { buildManifest, writeManifest } from './output/manifest.js'
import { canUploadArtifacts, uploadArtifact, type UploadedArtifact } from './publish/artifact.js'
import { setOutputs } from './publish/outputs.js'
import { renderSummary } from './publish/summary.js'
import type { Settings } from './settings.js'
import { prepareIncremental, saveIncremental, type IncrementalRun } from './state/incremental.js'
import { TOOL } from './version.js'

const logger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

/**
 * Wires inputs -> credential -> export -> manifest -> artifact -> outputs ->
 * summary. Everything that knows it runs in GitHub Actions is here or in
 * inputs.ts and publish/.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Whole seconds: filter literals then look like Graph's documented examples.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000)
  const { settings, warnings } = readSettings({ now, env })
  for (const warning of warnings) core.warning(warning)
  core.debug(describeSettings(settings))
  // Summary and manifest findings, computed from every record as it is written.
  const findings = createFindings(settings)

  let result: ExportResult | undefined
  let artifact: UploadedArtifact | undefined
  let artifactNote: string | undefined
  let fatal: string | undefined
  try {
    const credential = createCredential(settings, {
      getIDToken: audience => core.getIDToken(audience),
      mask: value => core.setSecret(value),
      logger
    })
    const scope = graphScope(settings.graphEndpoint)
    // One token before any export: a wrong credential fails once, clearly, instead of per log type.
    await core.group('Signing in to Microsoft Entra ID', async () => {
      try {
        await credential.getToken(scope)
      } catch (error) {
        throw explainAuthError(error, settings)
      }
      core.info(`Signed in as application ${settings.clientId} (${settings.auth}).`)
    })

    let incremental: IncrementalRun | undefined
    if (settings.incremental) {
      incremental = await core.group('Restoring the previous export state', () =>
        prepareIncremental(settings, env, now, logger)
      )
      for (const warning of incremental.warnings) core.warning(warning)
    }

    const transport = createGraphTransport({
      credential,
      graphEndpoint: settings.graphEndpoint,
      scope
    })
    result = await core.group(
      `Exporting ${settings.logTypes.join(', ')} from ${settings.window.start.toISOString()} to ${settings.window.end.toISOString()}`,
      () =>
        runExport(
          settings,
          { transport, clock: systemClock, logger, observe: findings.observe },
          DEFAULT_TUNING,
          incremental?.plans
        )
    )

    const manifest = buildManifest(settings, result, {
      tool: TOOL,
      generatedAt: new Date(),
      findings: findings.result(),
      incremental: incremental && {
        stateKeyPrefix: incremental.keyPrefix,
        restoredKey: incremental.restoredKey ?? null,
        overlapMs: settings.overlapMs
      }
    })
    const manifestPath = await writeManifest(settings.outputDir, manifest)
    const exported = result.logTypes.flatMap(t => t.files)
    const checksumsPath = await writeChecksums(settings.outputDir, [
      ...exported,
      { path: manifestPath }
    ])
    const files = [...exported.map(f => f.path), manifestPath, checksumsPath]

    if (!settings.upload) {
      artifactNote = `not uploaded (upload: false); files are in ${settings.outputDir}`
      core.notice(`Upload skipped (upload: false). Files are in ${settings.outputDir}.`)
    } else if (!canUploadArtifacts(env)) {
      artifactNote = `not uploaded (not running on a GitHub Actions runner); files are in ${settings.outputDir}`
      core.notice(
        `Upload skipped: ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL are not set (not on a runner). Files are in ${settings.outputDir}.`
      )
    } else {
      artifact = await core.group(`Uploading artifact '${settings.artifactName}'`, () =>
        uploadArtifact(
          {
            name: settings.artifactName,
            files,
            rootDir: settings.outputDir,
            retentionDays: settings.retentionDays,
            compressionLevel: settings.compressionLevel
          },
          env
        )
      )
      core.info(`Uploaded artifact ${artifact.id}${artifact.url ? `: ${artifact.url}` : ''}`)
    }
    setOutputs(settings, result, files, manifestPath, artifact, checksumsPath)
    if (incremental)
      await saveState(
        incremental,
        settings,
        result,
        env,
        now,
        artifact !== undefined || !settings.upload
      )
  } catch (error) {
    fatal = errorMessage(error)
    throw error
  } finally {
    await writeSummary(settings, {
      result,
      artifact,
      artifactNote,
      fatal,
      runId: env.GITHUB_RUN_ID,
      findings: result && findings.result(),
      startedAt: now,
      durationMs: Date.now() - now.getTime()
    })
  }

  const failed = result.logTypes.filter(t => t.status === 'failed')
  if (failed.length > 0) {
    throw new UserError(
      `${failed.length} of ${result.logTypes.length} log types failed; the others were exported and uploaded.\n` +
        failed.map(t => `- ${t.logType}: ${t.error}`).join('\n')
    )
  }
}

/**
 * The state moves forward only once the files are delivered, so a run that
 * failed to upload is re-covered by the next one.
 */
async function saveState(
  incremental: IncrementalRun,
  settings: Settings,
  result: ExportResult,
  env: NodeJS.ProcessEnv,
  now: Date,
  delivered: boolean
): Promise<void> {
  if (!delivered) {
    core.warning(
      'Export state not saved: the artifact was not uploaded. The next run re-covers this window.'
    )
    return
  }
  try {
    const key = await saveIncremental(incremental, settings, result, env, now)
    if (key) core.info(`Saved export state as ${key}.`)
  } catch (error) {
    core.warning(
      `Export state could not be saved (${errorMessage(error)}). The next run will re-export this window: its artifact will repeat records of this one.`
    )
  }
}

async function writeSummary(
  settings: Settings,
  input: Omit<Parameters<typeof renderSummary>[0], 'settings'>
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(renderSummary({ settings, ...input })).write()
  } catch (error) {
    // A summary problem must never hide the export's own outcome.
    core.warning(`Could not write the step summary: ${errorMessage(error)}`)
  }
}
