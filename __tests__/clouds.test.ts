import { CLOUD_ENDPOINTS, graphScope } from '../src/clouds.js'

describe('clouds', () => {
  it('derives the token scope from the Graph root', () => {
    expect(graphScope(CLOUD_ENDPOINTS.usgov.graphEndpoint)).toBe(
      'https://graph.microsoft.us/.default'
    )
    expect(graphScope('https://localhost:8443/')).toBe('https://localhost:8443/.default')
  })
})
