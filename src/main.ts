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
import { describeWriteError, isWriteError } from './write-errors.js'
import { recordSinksFor } from './output/record-writer.js'
import { canUploadArtifacts, uploadArtifact, type UploadedArtifact } from './publish/artifact.js'
import { setOutputs } from './publish/outputs.js'
import { renderSummary } from './publish/summary.js'
import type { Settings } from './settings.js'
import { prepareIncremental, saveIncremental, type IncrementalRun } from './state/incremental.js'
import { CANCEL_DEADLINE_MS, createStopControl, describeStop } from './stop-control.js'
import { TOOL } from './version.js'

const logger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

/**
 * Wires inputs -> credential -> export -> manifest -> artifact -> outputs ->
 * summary. Everything that knows it runs in GitHub Actions is here or in
 * inputs/ and publish/.
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
  let stateSaved = false
  // A cancel or the time budget stops the export the same way: no new request, complete ranges delivered.
  const stop = createStopControl({
    timeBudgetMs: settings.timeBudgetMs,
    startedAt: now.getTime(),
    logger,
    onDeadline: () => {
      core.error(
        `Cancelled, and the files could not be finished within ${CANCEL_DEADLINE_MS / 1000} s; exiting. Files still named *.partial are incomplete.`
      )
      process.exit(1)
    }
  })
  const stoppedBy = stop.reason
  try {
    const credential = createCredential(settings, {
      getIDToken: audience => core.getIDToken(audience),
      mask: value => core.setSecret(value),
      logger,
      cancel: stop.signal,
      idTokenRequestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL
    })
    const scope = graphScope(settings.graphEndpoint)
    // One token before any export: a wrong credential fails once, clearly, instead of per log type.
    await core.group('Signing in to Microsoft Entra ID', async () => {
      try {
        await credential.getToken(scope, { abortSignal: stop.signal })
      } catch (error) {
        const reason = stoppedBy()
        if (reason) throw new UserError(`The run was ${describeStop(reason)} while signing in.`)
        throw explainAuthError(error, settings)
      }
      core.info(`Signed in as application ${settings.clientId} (${settings.auth}).`)
    })

    if (stoppedBy())
      throw new UserError(`The run was ${describeStop(stoppedBy()!)} before the export started.`)
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
          {
            transport,
            openSink: recordSinksFor(settings),
            clock: systemClock,
            logger,
            observe: findings.observe,
            observedPart: findings.observedPart,
            stop: stop.signal,
            // Never the system temp directory: RUNNER_TEMP is the job's, emptied by the runner.
            tempDir: env.RUNNER_TEMP || undefined
          },
          DEFAULT_TUNING,
          incremental?.plans
        )
    )
    stop.exportDone()
    // A budget that ran out while the last log type was being written stopped nothing.
    if (result.logTypes.every(t => t.status !== 'stopped')) stop.forgetBudget()

    const manifest = buildManifest(settings, result, {
      tool: TOOL,
      generatedAt: new Date(),
      findings: findings.result(),
      incremental: incremental && {
        stateKeyPrefix: incremental.keyPrefix,
        restoredKey: incremental.restoredKey ?? null,
        overlapMs: settings.overlapMs
      },
      stopped: stoppedBy()
    })
    let manifestPath: string
    let checksumsPath: string
    const exported = result.logTypes.flatMap(t => t.files)
    try {
      manifestPath = await writeManifest(settings.outputDir, manifest)
      checksumsPath = await writeChecksums(settings.outputDir, [
        ...exported,
        { path: manifestPath }
      ])
    } catch (error) {
      throw isWriteError(error) ? new UserError(describeWriteError(error), { cause: error }) : error
    }
    const files = [...exported.map(f => f.path), manifestPath, checksumsPath]
    const writeFailed = result.logTypes.some(t => t.writeFailed)

    if (stoppedBy() === 'cancelled') {
      artifactNote = `not uploaded (the run was cancelled); files are in ${settings.outputDir}`
    } else if (!settings.upload) {
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
    if (incremental && stoppedBy() === 'cancelled') {
      core.warning(
        'Export state not saved: the run was cancelled before its files were delivered. The next run re-covers this window.'
      )
    } else if (incremental && writeFailed) {
      core.warning(
        'Export state not saved: files could not be written. The next run re-covers this window.'
      )
    } else if (incremental) {
      stateSaved = await saveState(
        incremental,
        settings,
        result,
        env,
        now,
        artifact !== undefined || !settings.upload
      )
    }
  } catch (error) {
    fatal = errorMessage(error)
    throw error
  } finally {
    stop.dispose()
    await writeSummary(settings, env, {
      result,
      artifact,
      artifactNote,
      fatal,
      stopped: stoppedBy() && describeStop(stoppedBy()!),
      runId: env.GITHUB_RUN_ID,
      findings: result && findings.result(),
      startedAt: now,
      durationMs: Date.now() - now.getTime()
    })
  }

  const failed = result.logTypes.filter(t => t.status === 'failed')
  const reason = stoppedBy()
  if (reason === 'cancelled') {
    throw new UserError(
      'The run was cancelled. Files of log types that were not complete are named *.incomplete.*; ' +
        'manifest.json (status: cancelled) lists the time ranges each one holds completely.'
    )
  }
  const stoppedTypes = result.logTypes.filter(t => t.status === 'stopped')
  if (reason === 'time-budget' && stoppedTypes.length > 0) {
    const names = stoppedTypes.map(t => t.logType).join(', ')
    if (!stateSaved) {
      throw new UserError(
        `The time budget ran out before ${names} ${stoppedTypes.length === 1 ? 'was' : 'were'} complete, and no incremental state was saved to continue from: ` +
          'the files hold the complete time ranges listed in manifest.json. Raise time-budget, narrow the window, or set incremental: true so the next run exports the rest.'
      )
    }
    core.warning(
      `The time budget ran out before ${names} ${stoppedTypes.length === 1 ? 'was' : 'were'} complete. ` +
        'The artifact holds the time ranges read completely (manifest.json: completeRanges); the next incremental run exports exactly the rest.'
    )
  }
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
): Promise<boolean> {
  if (!delivered) {
    core.warning(
      'Export state not saved: the artifact was not uploaded. The next run re-covers this window.'
    )
    return false
  }
  try {
    const key = await saveIncremental(incremental, settings, result, env, now)
    if (key) core.info(`Saved export state as ${key}.`)
    return key !== undefined
  } catch (error) {
    core.warning(
      `Export state could not be saved (${errorMessage(error)}). The next run will re-export this window: its artifact will repeat records of this one.`
    )
    return false
  }
}

async function writeSummary(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  input: Omit<Parameters<typeof renderSummary>[0], 'settings'>
): Promise<void> {
  // The runner sets GITHUB_STEP_SUMMARY only where a step summary can be written.
  if (!env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(renderSummary({ settings, ...input })).write()
  } catch (error) {
    // A summary problem must never hide the export's own outcome.
    core.warning(`Could not write the step summary: ${errorMessage(error)}`)
  }
}
