/** Access tokens issued by the fake token endpoint and honoured by the fake Graph. */
import { randomBytes } from 'node:crypto'

export type CredentialMode = 'secret' | 'certificate' | 'federated'

export interface IssuedToken {
  token: string
  tenantId: string
  appId: string
  mode: CredentialMode
  issuedAt: number
  expiresAt: number
}

export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>()
  readonly issuedByMode: Record<CredentialMode, number> = {
    secret: 0,
    certificate: 0,
    federated: 0
  }

  issue(tenantId: string, appId: string, mode: CredentialMode, lifetimeSec: number): IssuedToken {
    const now = Date.now()
    // Opaque on purpose: clients must not parse Graph access tokens.
    const issued: IssuedToken = {
      token: `fake.${randomBytes(24).toString('base64url')}`,
      tenantId,
      appId,
      mode,
      issuedAt: now,
      expiresAt: now + lifetimeSec * 1000
    }
    this.tokens.set(issued.token, issued)
    this.issuedByMode[mode]++
    return issued
  }

  /** The token if known and not expired at `now`. */
  valid(token: string, now = Date.now()): IssuedToken | undefined {
    const t = this.tokens.get(token)
    return t && t.expiresAt > now ? t : undefined
  }

  get issuedTotal(): number {
    return this.issuedByMode.secret + this.issuedByMode.certificate + this.issuedByMode.federated
  }
}
