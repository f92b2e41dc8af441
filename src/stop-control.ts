import type { Logger } from './logger.js'

/** Why a run stopped before its window was read. */
export type StopReason = 'cancelled' | 'time-budget'

/**
 * GitHub cancels a step with SIGINT, then SIGTERM if it has not exited within
 * 7500 ms, then kills the process tree 2500 ms later
 * (https://docs.github.com/en/actions/reference/workflow-cancellation-reference).
 * The run stops fetching at once and must have written its manifest, outputs
 * and summary before then; past this it exits regardless.
 */
export const CANCEL_DEADLINE_MS = 6_000

export interface StopControl {
  /** Aborts on SIGINT/SIGTERM or when the time budget runs out. */
  readonly signal: AbortSignal
  /** Why the run is stopping, if it is. A cancel overrides a time-budget stop. */
  reason(): StopReason | undefined
  /** The export is over: the budget can no longer stop anything. */
  exportDone(): void
  /** A budget stop that came too late to stop anything is no stop. */
  forgetBudget(): void
  /** Removes the signal handlers and timers. */
  dispose(): void
}

/**
 * One stop for the run: SIGINT/SIGTERM (a cancel) or the time budget, counted
 * from `startedAt`. Either aborts `signal`; the export then starts no new
 * request and delivers what is complete.
 */
export function createStopControl(options: {
  timeBudgetMs?: number
  startedAt: number
  logger: Logger
  /** What a cancel that cannot finish in time does (process.exit(1) in production). */
  onDeadline: () => void
}): StopControl {
  const controller = new AbortController()
  let reason: StopReason | undefined
  const onSignal = (name: NodeJS.Signals): void => {
    if (reason === 'cancelled') return
    reason = 'cancelled'
    options.logger.warning(
      `${name} received: the run is being cancelled. No new requests; writing what is complete.`
    )
    controller.abort(reason)
    setTimeout(options.onDeadline, CANCEL_DEADLINE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const budget = options.timeBudgetMs
  const budgetTimer =
    budget === undefined
      ? undefined
      : setTimeout(
          () => {
            if (controller.signal.aborted) return
            options.logger.warning(
              `The time budget (${budget / 1000} s) ran out: no new requests; delivering the time ranges read completely.`
            )
            reason = 'time-budget'
            controller.abort(reason)
          },
          Math.max(0, budget - (Date.now() - options.startedAt))
        )
  budgetTimer?.unref()
  return {
    signal: controller.signal,
    reason: () => reason,
    exportDone: () => clearTimeout(budgetTimer),
    forgetBudget: () => {
      if (reason === 'time-budget') reason = undefined
    },
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      clearTimeout(budgetTimer)
    }
  }
}

export function describeStop(reason: StopReason): string {
  return reason === 'cancelled' ? 'cancelled' : 'stopped by its time budget'
}
