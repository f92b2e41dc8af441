import { X509Certificate, createPrivateKey } from 'node:crypto'
import { UserError, errorMessage } from '../errors.js'

export interface CertificatePem {
  /** Private key first, then the certificate that matches it, then any chain. */
  pem: string
  /** The private key block alone, to be masked. */
  privateKeyPem: string
  /** SHA-1 thumbprint of the matching certificate, as the portal shows it. */
  thumbprint: string
  /** Expiry of the matching certificate. */
  validTo: Date
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/**
 * Checks the `client-certificate` PEM before @azure/identity sees it: given a
 * PEM without a key, an encrypted key, a non-RSA key or only a key, it fails
 * with "secretOrPrivateKey must be an asymmetric key when using PS256" or
 * mentions a "file at the specified path" we never had, neither of which
 * points at the input.
 */
export function parseCertificatePem(input: string): CertificatePem {
  const blocks = [...input.replace(/\r\n/g, '\n').matchAll(BLOCK)].map(m => ({
    label: m[1],
    text: m[0]
  }))
  const keys = blocks.filter(b => b.label.endsWith('PRIVATE KEY'))
  const certs = blocks.filter(b => b.label === 'CERTIFICATE')

  if (
    keys.some(b => b.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(b.text))
  ) {
    throw new UserError(
      'The client-certificate input holds an encrypted private key, and this action takes no ' +
        'password. Store an unencrypted PEM as the secret instead, e.g. ' +
        '`openssl pkcs12 -in cert.pfx -nodes -out cert.pem` or ' +
        '`openssl pkey -in key.pem -out plain-key.pem` followed by `cat plain-key.pem cert.pem`.'
    )
  }
  if (keys.length !== 1 || certs.length === 0) {
    const found = blocks.length === 0 ? 'no PEM blocks' : blocks.map(b => b.label).join(', ')
    throw new UserError(
      'The client-certificate input must be a PEM with exactly one private key ' +
        '(-----BEGIN PRIVATE KEY-----) and its certificate (-----BEGIN CERTIFICATE-----); ' +
        `found ${found}. Build it with \`cat key.pem cert.pem\`, or from a .pfx with ` +
        '`openssl pkcs12 -in cert.pfx -nodes -out cert.pem`.'
    )
  }

  const keyBlock = keys[0].text
  let key
  try {
    key = createPrivateKey({ key: keyBlock, format: 'pem' })
  } catch (error) {
    // Node's parse errors describe the format, never the key material.
    throw new UserError(
      `The private key in the client-certificate input could not be read: ${errorMessage(error)}`,
      { cause: error }
    )
  }
  // MSAL signs the client assertion with PS256, which only RSA keys can do.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UserError(
      `The client-certificate input holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; ` +
        'certificate sign-in to Entra ID needs an RSA key (2048 bits or more).'
    )
  }

  const parsed = certs.map(c => {
    try {
      return { text: c.text, x509: new X509Certificate(c.text) }
    } catch (error) {
      throw new UserError(
        `A certificate in the client-certificate input could not be read: ${errorMessage(error)}`,
        { cause: error }
      )
    }
  })
  const leaf = parsed.find(c => c.x509.checkPrivateKey(key))
  if (leaf === undefined) {
    throw new UserError(
      'The private key in the client-certificate input does not belong to any certificate in it: ' +
        'put the key and the certificate that was uploaded to the app registration in the same PEM.'
    )
  }
  // @azure/identity takes the first certificate's thumbprint as the key ID, so
  // the matching one goes first and any chain after it.
  const ordered = [leaf, ...parsed.filter(c => c !== leaf)]
  return {
    pem: [keyBlock, ...ordered.map(c => c.text)].join('\n') + '\n',
    privateKeyPem: keyBlock,
    thumbprint: leaf.x509.fingerprint.replace(/:/g, ''),
    validTo: new Date(leaf.x509.validTo)
  }
}
