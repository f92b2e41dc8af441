import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import {
  createDefaultHttpClient,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'
import { UserError } from '../errors.js'

/** Bounds on one token request; visible here so the budget is a reviewed number. */
export interface TokenBudget {
  /** One attempt, discovery and token exchange included. */
  timeoutMs: number
  /** Attempts, the first included. */
  attempts: number
  /** Pause between attempts. */
  pauseMs: number
}

/**
 * 3 attempts of 20 s: a login host that accepts the connection and never
 * answers ends the step in about a minute. A healthy Entra token request takes
 * well under a second; @azure/identity and MSAL set no overall timeout of
 * their own (GetTokenOptions.requestOptions.timeout is per HTTP request and 0,
 * i.e. none, by default), so each HTTP request is also bounded by
 * timeoutHttpClient below.
 */
export const DEFAULT_TOKEN_BUDGET: TokenBudget = { timeoutMs: 20_000, attempts: 3, pauseMs: 2_000 }

/** Node error codes of a connection that failed before any answer: worth another try. */
const TRANSIENT_CODES = /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_\w+)\b/

export class TokenTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenTimeoutError'
  }
}

/**
 * Every token request ends: each attempt is cut after `timeoutMs` (the abort
 * reaches @azure/identity's HTTP pipeline through `abortSignal`), timeouts and
 * connection failures are retried `attempts` times, and then the step fails
 * naming the host that did not answer. Errors with an answer from Entra
 * (AADSTS codes) are not retried: they will not change.
 */
export class BoundedCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    /** Who answers token requests, for the message: 'https://login.microsoftonline.com', 'the Azure CLI (az)'. */
    private readonly authority: string,
    private readonly budget: TokenBudget = DEFAULT_TOKEN_BUDGET
  ) {}

  async getToken(
    scopes: string | string[],
    options: GetTokenOptions = {}
  ): Promise<AccessToken | null> {
    const { timeoutMs, attempts, pauseMs } = this.budget
    const outer = options.abortSignal as AbortSignal | undefined
    let last: unknown
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await withTimeout(
          signal =>
            this.inner.getToken(scopes, {
              ...options,
              abortSignal: outer ? AbortSignal.any([outer, signal]) : signal
            }),
          timeoutMs,
          `the token request to ${this.authority} did not answer within ${timeoutMs / 1000} s`
        )
      } catch (error) {
        if (outer?.aborted) throw error
        if (!(error instanceof TokenTimeoutError) && !isTransient(error)) throw error
        last = error
        if (attempt < attempts) await pause(pauseMs, outer)
      }
    }
    throw new UserError(
      `Could not get a token from ${this.authority}: ${attempts} attempts failed ` +
        `(last: ${last instanceof Error ? last.message : String(last)}). The login endpoint is ` +
        'unreachable or not answering; check the authority-host / cloud inputs and the runner\u2019s ' +
        'network, then re-run.',
      { cause: last }
    )
  }
}

/** Runs `work` with a signal that aborts after `ms`; rejects with TokenTimeoutError then, whatever `work` does. */
export async function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  message: string
): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TokenTimeoutError(message)
      controller.abort(error)
      reject(error)
    }, ms)
  })
  try {
    return await Promise.race([work(controller.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}

function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code
    if (e instanceof TokenTimeoutError) return true
    const message = e instanceof Error ? e.message : String(e)
    if (/AADSTS\d+/.test(message)) return false
    if (typeof code === 'string' && TRANSIENT_CODES.test(code)) return true
    if (TRANSIENT_CODES.test(message)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true }
    )
  })
}

/**
 * @azure/identity's HTTP client with a timeout on every request it sends
 * (authority discovery included, which MSAL sends without the caller's abort
 * signal): a socket to a login host that never answers is destroyed instead of
 * holding the process open after the step has already failed. Passed as the
 * credentials' `httpClient` option (CommonClientOptions).
 */
export function timeoutHttpClient(timeoutMs: number, cancel?: AbortSignal): HttpClient {
  const inner = createDefaultHttpClient()
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      // Our own timer rather than request.timeout: the pipeline's Node client leaves that
      // timer running after an abort (@typespec/ts-http-runtime nodeHttpClient), which
      // holds the process open for its full length after a cancel.
      const timeout = new AbortController()
      const timer = setTimeout(() => timeout.abort(), timeoutMs)
      const own = request.abortSignal as AbortSignal | undefined
      // A cancelled run ends its token requests too, discovery included.
      request.abortSignal = AbortSignal.any(
        [timeout.signal, own, cancel].filter((s): s is AbortSignal => s !== undefined)
      )
      try {
        return await inner.sendRequest(request)
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
