// Not @actions/core itself: the same functions, with every message made safe for the
// runner's log first (actions-log.ts). No other module writes to the log.
import * as core from './actions-log.js'
import { UserError } from './errors.js'
import { run } from './main.js'

core.captureLibraryLogs()
// The entry only runs the action and turns a thrown error into a failed step.
run().catch((error: unknown) => {
  if (error instanceof UserError) {
    // The user can fix this: the message says how; the stack would only bury it.
    core.setFailed(error.message)
    if (error.cause !== undefined) core.debug(`Cause: ${describe(error.cause)}`)
  } else {
    core.setFailed(error instanceof Error ? error.message : String(error))
    core.debug(describe(error))
  }
})

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value)
}
