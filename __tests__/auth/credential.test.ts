import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type AccessToken,
  type TokenCredential
} from '@azure/identity'
import {
  authorityOptions,
  createCredential,
  maskingCredential,
  type AuthBoundary
} from '../../src/auth/credential.js'
import { parseCertificatePem } from '../../src/inputs/certificate-pem.js'
import { CLOUD_ENDPOINTS } from '../../src/clouds.js'
import { UserError } from '../../src/errors.js'
import {
  makeCertificates,
  makeSettings,
  recordingLogger,
  type RecordingLogger,
  type TestCertificates
} from './fixtures.js'
import { AzureCliSessionCredential } from '../../src/auth/azure-cli.js'

interface TestBoundary extends AuthBoundary {
  masked: string[]
  idTokenRequests: string[]
  logger: RecordingLogger
}

function testBoundary(): TestBoundary {
  const masked: string[] = []
  const idTokenRequests: string[] = []
  return {
    masked,
    idTokenRequests,
    mask: value => masked.push(value),
    getIDToken: async audience => {
      idTokenRequests.push(audience)
      throw new Error('no OIDC in unit tests')
    },
    logger: recordingLogger()
  }
}

let certs: TestCertificates
beforeAll(() => {
  certs = makeCertificates()
})

describe('createCredential', () => {
  it('client-secret: a ClientSecretCredential, with the secret masked', () => {
    const boundary = testBoundary()
    const settings = makeSettings({ auth: 'client-secret', clientSecret: 'abc8Q~value' })
    const credential = createCredential(settings, boundary)
    expect(credential.kind).toBe('client-secret')
    expect(credential.inner).toBeInstanceOf(ClientSecretCredential)
    expect(boundary.masked).toContain('abc8Q~value')
  })

  it('client-secret without a secret: names the input', () => {
    const settings = makeSettings({ auth: 'client-secret', clientSecret: '  ' })
    expect(() => createCredential(settings, testBoundary())).toThrow(UserError)
    expect(() => createCredential(settings, testBoundary())).toThrow(/client-secret input/)
  })

  it('certificate: a ClientCertificateCredential, with the key and each line of it masked', () => {
    const boundary = testBoundary()
    const settings = makeSettings({
      auth: 'certificate',
      clientSecret: undefined,
      clientCertificate: certs.rsaPem
    })
    const credential = createCredential(settings, boundary)
    expect(credential.kind).toBe('certificate')
    expect(credential.inner).toBeInstanceOf(ClientCertificateCredential)

    const keyLines = certs.rsaKey.split('\n').filter(l => l !== '' && !l.startsWith('-----'))
    expect(keyLines.length).toBeGreaterThan(10)
    for (const line of keyLines) expect(boundary.masked).toContain(line)
    expect(boundary.masked).toContain(certs.rsaKey.trim())
    expect(boundary.logger.lines.join('\n')).toContain(certs.rsaThumbprint)
    expect(boundary.logger.lines.join('\n')).not.toContain(keyLines[1])
  })

  it('oidc: a ClientAssertionCredential; no ID token is requested before a token is', () => {
    const boundary = testBoundary()
    const credential = createCredential(
      makeSettings({ auth: 'oidc', clientSecret: undefined }),
      boundary
    )
    expect(credential.kind).toBe('oidc')
    expect(credential.inner).toBeInstanceOf(ClientAssertionCredential)
    expect(boundary.idTokenRequests).toEqual([])
  })

  it('azure-cli: a credential that asks az for the session token', () => {
    const credential = createCredential(
      makeSettings({ auth: 'azure-cli', clientSecret: undefined }),
      testBoundary()
    )
    expect(credential.kind).toBe('azure-cli')
    expect(credential.inner).toBeInstanceOf(AzureCliSessionCredential)
  })
})

describe('authorityOptions', () => {
  it.each(Object.entries(CLOUD_ENDPOINTS))(
    'keeps instance discovery for %s',
    (_cloud, { authorityHost }) => {
      expect(authorityOptions(authorityHost)).toMatchObject({ authorityHost })
      expect(
        authorityOptions(`${authorityHost.toUpperCase()}/`).disableInstanceDiscovery
      ).toBeUndefined()
    }
  )

  it('disables instance discovery for any other host', () => {
    expect(authorityOptions('https://localhost:8443')).toMatchObject({
      authorityHost: 'https://localhost:8443',
      disableInstanceDiscovery: true
    })
  })

  it('turns off following redirects for every host', () => {
    for (const host of ['https://login.microsoftonline.com', 'https://localhost:8443']) {
      const options = authorityOptions(host)
      expect(options.redirectOptions).toEqual({ maxRetries: 0 })
      expect(options.additionalPolicies.map(p => p.position)).toEqual(['perCall'])
    }
  })
})

describe('parseCertificatePem', () => {
  it('accepts a PKCS#1 key after the certificate and puts the key first', () => {
    const parsed = parseCertificatePem(certs.rsaPkcs1CertFirst)
    expect(parsed.pem.indexOf('BEGIN RSA PRIVATE KEY')).toBeLessThan(
      parsed.pem.indexOf('BEGIN CERTIFICATE')
    )
    expect(parsed.thumbprint).toBe(certs.rsaThumbprint)
  })

  it('puts the certificate matching the key first when a chain comes before it', () => {
    const parsed = parseCertificatePem(certs.otherCert + certs.rsaPem)
    expect(parsed.thumbprint).toBe(certs.rsaThumbprint)
    const firstCert = parsed.pem.slice(parsed.pem.indexOf('-----BEGIN CERTIFICATE-----'))
    expect(firstCert.startsWith(certs.rsaCert.trim())).toBe(true)
  })

  it('accepts CRLF line endings and text around the blocks', () => {
    const pem = ('Bag Attributes\n    localKeyID: 01\n' + certs.rsaPem).replace(/\n/g, '\r\n')
    expect(parseCertificatePem(pem).thumbprint).toBe(certs.rsaThumbprint)
  })

  it.each([
    ['an encrypted key', () => certs.encryptedPem, /encrypted private key/],
    ['a certificate only', () => certs.rsaCert, /found CERTIFICATE/],
    ['a key only', () => certs.rsaKey, /found PRIVATE KEY/],
    ['not a PEM', () => 'MIIC...', /found no PEM blocks/],
    ['an EC key', () => certs.ecPem, /needs an RSA key/],
    [
      'a key with someone else\u2019s certificate',
      () => certs.rsaKey + certs.otherCert,
      /does not belong/
    ]
  ])('rejects %s with a message naming client-certificate', (_name, pem, reason) => {
    let error: unknown
    try {
      parseCertificatePem(pem())
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(reason)
    expect((error as Error).message).toContain('client-certificate')
    expect((error as Error).message).not.toContain('MII')
  })
})

describe('maskingCredential', () => {
  /** A stand-in for an @azure/identity credential: issues the given tokens in turn. */
  function issuing(...tokens: (string | null)[]): TokenCredential {
    let i = 0
    return {
      getToken: async (): Promise<AccessToken | null> => {
        const token = tokens[i++]
        return token === null
          ? null
          : { token, expiresOnTimestamp: Date.parse('2026-10-05T11:00:00Z') }
      }
    }
  }

  it('masks each access token before returning it, once per new token', async () => {
    const boundary = testBoundary()
    const credential = maskingCredential(issuing('eyJ.first', 'eyJ.first', 'eyJ.second'), {
      kind: 'client-secret',
      settings: makeSettings(),
      boundary
    })
    const scope = 'https://graph.microsoft.com/.default'

    const first = await credential.getToken(scope)
    expect(boundary.masked).toEqual(['eyJ.first'])
    await credential.getToken(scope)
    const third = await credential.getToken(scope)

    expect(first?.token).toBe('eyJ.first')
    expect(third?.token).toBe('eyJ.second')
    expect(boundary.masked).toEqual(['eyJ.first', 'eyJ.second'])
    expect(boundary.logger.lines.join('\n')).not.toContain('eyJ.')
  })

  it('passes a null token through', async () => {
    const boundary = testBoundary()
    const credential = maskingCredential(issuing(null), {
      kind: 'oidc',
      settings: makeSettings(),
      boundary
    })
    expect(await credential.getToken('x/.default')).toBeNull()
    expect(boundary.masked).toEqual([])
  })

  it('explains a failure (with the OIDC claims) and logs the original at debug level', async () => {
    const boundary = testBoundary()
    const original = new Error(
      "invalid_client: AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:o/r:ref:refs/heads/dev'."
    )
    const credential = maskingCredential(
      {
        getToken: async () => {
          throw original
        }
      },
      {
        kind: 'oidc',
        settings: makeSettings({ auth: 'oidc' }),
        boundary,
        assertionClaims: () => ({
          iss: 'https://token.actions.githubusercontent.com',
          aud: 'api://aud-from-token'
        })
      }
    )
    const error = await credential.getToken('x/.default').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).cause).toBe(original)
    expect((error as Error).message).toMatch(
      /Issuer: +https:\/\/token\.actions\.githubusercontent\.com/
    )
    expect((error as Error).message).toMatch(/Audience: +api:\/\/aud-from-token/)
    expect(
      boundary.logger.lines.some(l => l.startsWith('debug:') && l.includes('AADSTS700213'))
    ).toBe(true)
  })

  it('rethrows an unrecognised failure unchanged', async () => {
    const original = new Error('something else')
    const credential = maskingCredential(
      {
        getToken: async () => {
          throw original
        }
      },
      { kind: 'client-secret', settings: makeSettings(), boundary: testBoundary() }
    )
    await expect(credential.getToken('x/.default')).rejects.toBe(original)
  })
})
