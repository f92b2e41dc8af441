/** Kept equal to package.json's version by a unit test (bundling JSON imports is not worth the risk). */
export const TOOL = { name: 'entra-log-export', version: '0.1.0' } as const
