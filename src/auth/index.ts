export {
  authorityOptions,
  createCredential,
  maskingCredential,
  type AuthBoundary,
  type ExportCredential,
  type MaskingOptions
} from './credential.js'
export { explainAuthError, type AuthErrorContext } from './auth-errors.js'
export { AzureCliSessionCredential, type AzureCliOptions } from './azure-cli.js'
export { parseCertificatePem, type CertificatePem } from './certificate-pem.js'
export {
  createOidcAssertionProvider,
  type AssertionClaims,
  type OidcAssertionOptions,
  type OidcAssertionProvider
} from './oidc-assertion.js'
