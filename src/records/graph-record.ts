/**
 * One Graph log record as parsed from JSON: a sign-in, directory audit,
 * provisioning event or service-principal sign-in activity. Its fields are
 * Graph's (see @microsoft/microsoft-graph-types-beta `SignIn`, `DirectoryAudit`,
 * ...); nothing here assumes which are present, since Graph adds fields and
 * omits nulls. The one definition: graph/, export/ and output/ all use this.
 */
export type GraphRecord = Record<string, unknown>
