/**
 * What Microsoft documents about the limits every export runs into, each fact
 * defined once: the inputs, the engine, the state and the summary read it here.
 */

const DAY_MS = 86_400_000

/**
 * How long Entra keeps sign-in and audit logs: 7 days on Microsoft Entra ID
 * Free, 30 days with P1/P2. Source: "Microsoft Entra data retention",
 * https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention
 */
export const RETENTION_FREE_DAYS = 7
export const RETENTION_PREMIUM_DAYS = 30
export const RETENTION_FREE_MS = RETENTION_FREE_DAYS * DAY_MS
export const RETENTION_PREMIUM_MS = RETENTION_PREMIUM_DAYS * DAY_MS

/** "7 days for audit logs without Entra ID P1/P2, 30 days otherwise", for warnings. */
export const RETENTION_NOTE = `Microsoft Graph's retention (${RETENTION_FREE_DAYS} days for audit logs on tenants without Microsoft Entra ID P1/P2, ${RETENTION_PREMIUM_DAYS} days otherwise)`

/**
 * Graph's throttle for the identity and access reports (signIn, directoryAudit,
 * provisioningObjectSummary, ...): five requests per 10 seconds per app per
 * tenant. Source: https://learn.microsoft.com/graph/throttling-limits
 * ("Identity and access reports service limits"; docs repo
 * microsoftgraph/microsoft-graph-docs-contrib, includes/throttling-entra-logs-reports.md).
 */
export const DOCUMENTED_RATE_LIMIT = 5
/** The window that rate is counted over. */
export const THROTTLE_WINDOW_MS = 10_000
/**
 * Kept clear beyond the window where it binds: Graph counts a request when it
 * arrives, and arrival lags our start by a varying amount (a new connection's
 * TLS handshake, a busy event loop; 10-40 ms on the bench's loopback, which drew
 * a 429 with no margin). Graph documents no such figure; 250 ms costs 2.5% of
 * the budget on an export that keeps the window full, and nothing on one that
 * does not.
 */
export const THROTTLE_WINDOW_MARGIN_MS = 250
