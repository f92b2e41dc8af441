/**
 * Reading pages from Graph, by concern:
 * - page-reader.ts: the door a chain uses (PageReader, Page, PageRecord), and
 *   the page body read into records;
 * - page-retry.ts: the retry loop around one page;
 * - fault-classify.ts: what a failed attempt means (retry or stop, which fault);
 * - watchdog.ts: each attempt's timeouts, on the injected Clock;
 * - retry-policy.ts and fetch-context.ts: the budgets, the context, the counters.
 * This module re-exports them under the names the rest of the code has used.
 */
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js'
export {
  newCounters,
  type FaultKind,
  type FetchContext,
  type FetchCounters
} from './fetch-context.js'
export { fetchPage, PageReader, type Page, type PageRecord } from './page-reader.js'
export type { GraphRecord } from '../records/graph-record.js'
