/** JWT signing and verification for client assertions and the fake OIDC issuer. */
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
  constants
} from 'node:crypto'
import { base64url, decodeJwt } from './http-util.js'

export type JwtAlg = 'RS256' | 'PS256'

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject | string
): string {
  const alg = (header.alg as JwtAlg | undefined) ?? 'RS256'
  const input = `${base64url(JSON.stringify({ typ: 'JWT', ...header, alg }))}.${base64url(JSON.stringify(payload))}`
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey
  const signature = sign('sha256', Buffer.from(input), {
    key,
    ...(alg === 'PS256'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : {})
  })
  return `${input}.${base64url(signature)}`
}

export interface VerifiedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

/** Verifies an RS256/PS256 signature; returns the decoded JWT or a reason. */
export function verifyJwt(jwt: string, publicKey: KeyObject | string): VerifiedJwt | string {
  const d = decodeJwt(jwt)
  if (!d) return 'malformed JWT'
  const alg = d.header.alg
  if (alg !== 'RS256' && alg !== 'PS256') return `unsupported alg ${String(alg)}`
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey
  const ok = verify(
    'sha256',
    Buffer.from(d.signingInput),
    alg === 'PS256'
      ? {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO
        }
      : key,
    d.signature
  )
  return ok ? { header: d.header, payload: d.payload } : 'signature invalid'
}

/**
 * exp/nbf check in epoch seconds. Expiry is strict (tests share one clock and rely on
 * short-lived assertions expiring), but nbf gets Entra's 5 minutes of leeway: MSAL
 * rounds "now" to the nearest second, so its nbf can be half a second ahead.
 */
export function timeValid(payload: Record<string, unknown>, nowSec: number): boolean {
  const exp = payload.exp
  const nbf = payload.nbf
  if (typeof exp !== 'number' || exp < nowSec) return false
  if (typeof nbf === 'number' && nbf - 300 > nowSec) return false
  return true
}
