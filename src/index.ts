import * as log from './actions-log.js'
import { UserError } from './errors.js'
import { run } from './main.js'

// The entry only runs the action and turns a thrown error into a failed step.
run().catch((error: unknown) => {
  if (error instanceof UserError) {
    // The user can fix this: the message says how; the stack would only bury it.
    log.setFailed(error.message)
    if (error.cause !== undefined) log.debug(`Cause: ${describe(error.cause)}`)
  } else {
    log.setFailed(error instanceof Error ? error.message : String(error))
    log.debug(describe(error))
  }
})

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value)
}
