/**
 * The one place that lists properties Microsoft's published types declare but
 * `columns: all` leaves out on purpose, each with the reason. The test
 * __tests__/output/columns-graph-types.test.ts fails for any declared property
 * that is neither a column nor listed here, so a types bump that adds a
 * property names it.
 *
 * Keys are the entity as the types name it, then the dotted property path.
 */
export const OMITTED_PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // signIn (beta): nothing left out.
  SignIn: {},
  // directoryAudit (v1.0): nothing left out.
  DirectoryAudit: {},
  // provisioningObjectSummary (v1.0): v1.0 no longer declares the deprecated
  // `action` and `statusInfo` (beta still does), so there is nothing to leave out.
  ProvisioningObjectSummary: {},
  // servicePrincipalSignInActivity (beta): nothing left out.
  ServicePrincipalSignInActivity: {}
}
