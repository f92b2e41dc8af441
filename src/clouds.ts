import type { Cloud } from './settings.js'

/** Login and Graph roots per national cloud (no trailing slash, no version segment). */
export const CLOUD_ENDPOINTS: Record<Cloud, { authorityHost: string; graphEndpoint: string }> = {
  public: {
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com'
  },
  usgov: {
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://graph.microsoft.us'
  },
  'usgov-dod': {
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://dod-graph.microsoft.us'
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn'
  }
}

/** The OAuth scope for app-only Graph tokens: `<graph root>/.default`. */
export function graphScope(graphEndpoint: string): string {
  return `${graphEndpoint.replace(/\/+$/, '')}/.default`
}
