import { DefaultArtifactClient } from '@actions/artifact'

export interface UploadRequest {
  name: string
  files: string[]
  rootDir: string
  retentionDays?: number
  compressionLevel: number
}

export interface UploadedArtifact {
  id: number
  size: number
  digest?: string
  url?: string
}

/** The results service the artifact client talks to is only there on a runner. */
export function canUploadArtifacts(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL)
}

export async function uploadArtifact(
  request: UploadRequest,
  env: NodeJS.ProcessEnv
): Promise<UploadedArtifact> {
  const client = new DefaultArtifactClient()
  const result = await client.uploadArtifact(request.name, request.files, request.rootDir, {
    retentionDays: request.retentionDays,
    compressionLevel: request.compressionLevel
  })
  if (result.id === undefined) throw new Error('The artifact service returned no artifact id')
  return {
    id: result.id,
    size: result.size ?? 0,
    digest: result.digest,
    url: artifactUrl(env, result.id)
  }
}

export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string | undefined {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}`
}
