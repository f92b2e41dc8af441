/**
 * The fake GitHub Actions results backend: the artifact and cache Twirp services that
 * @actions/artifact and @actions/cache (v2) call, plus the Azure block-blob endpoint
 * their signed URLs point at. Plain HTTP on 127.0.0.1, as the Azure SDK allows.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { unzipSync } from 'fflate'
import { base64url, listen, readBody, sendJson } from './http-util.js'

export interface StoredArtifact {
  id: number
  name: string
  size: number
  /** sha256 the client reported at finalize time (`sha256:<hex>`), if any. */
  hash?: string
  zip: Buffer
  /** Unzipped entries by path. */
  files(): Map<string, Buffer>
}

export interface CacheEntry {
  id: number
  key: string
  version: string
  size: number
  createdAt: number
  data: Buffer
}

export interface FakeResults {
  url: string
  runtimeToken: string
  runBackendId: string
  jobBackendId: string
  artifacts(): StoredArtifact[]
  cacheEntries(): CacheEntry[]
  /** Every Twirp call made, in order (`ArtifactService/CreateArtifact`, ...). */
  calls: string[]
  close(): Promise<void>
}

interface Blob {
  blocks: Map<string, Buffer>
  data?: Buffer
  etag: string
  lastModified: Date
}

interface PendingArtifact {
  name: string
  blobPath: string
  id?: number
  size?: number
  hash?: string
}

interface PendingCache {
  key: string
  version: string
  blobPath: string
  entry?: CacheEntry
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string
  ) {
    super(msg)
  }
}

export async function startResults(): Promise<FakeResults> {
  const runBackendId = randomUUID()
  const jobBackendId = randomUUID()
  // Unsigned is fine: the toolkit only decodes the claims.
  const runtimeToken = [
    base64url(JSON.stringify({ typ: 'JWT', alg: 'none' })),
    base64url(
      JSON.stringify({
        scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
        exp: Math.floor(Date.now() / 1000) + 6 * 3600
      })
    ),
    ''
  ].join('.')
  const blobs = new Map<string, Blob>()
  const artifacts = new Map<string, PendingArtifact>()
  const caches: PendingCache[] = []
  const calls: string[] = []
  let nextId = 1000
  let base = ''

  const signed = (container: string, name: string): { url: string; path: string } => {
    const dir = `/devstoreaccount1/${container}/${randomBytes(6).toString('hex')}/`
    const path = `${dir}${name}`
    return {
      path,
      url: `${base}${dir}${encodeURIComponent(name)}?sv=2023-11-03&se=2099-01-01&sp=rcw&sig=${randomBytes(16).toString('base64url')}`
    }
  }

  const blobData = (path: string): Buffer => blobs.get(path)?.data ?? Buffer.alloc(0)

  function twirp(method: string, body: Record<string, unknown>): Record<string, unknown> {
    calls.push(method)
    const str = (k: string): string =>
      String(body[k] ?? body[k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] ?? '')
    switch (method) {
      case 'ArtifactService/CreateArtifact': {
        if (str('workflow_run_backend_id') !== runBackendId)
          throw new TwirpError(400, 'invalid_argument', 'unknown workflow run')
        const name = str('name')
        if (artifacts.has(name))
          throw new TwirpError(
            409,
            'already_exists',
            'an artifact with this name already exists on the workflow run'
          )
        const s = signed('actions-results', `${name}.zip`)
        artifacts.set(name, { name, blobPath: s.path })
        return { ok: true, signed_upload_url: s.url }
      }
      case 'ArtifactService/FinalizeArtifact': {
        const a = artifacts.get(str('name'))
        if (!a) throw new TwirpError(404, 'not_found', 'artifact not found')
        if (!blobs.get(a.blobPath)?.data)
          throw new TwirpError(400, 'failed_precondition', 'artifact upload not committed')
        a.id = nextId++
        a.size = Number(str('size'))
        const hash = body.hash
        a.hash =
          typeof hash === 'string'
            ? hash
            : ((hash as { value?: string } | undefined)?.value ?? undefined)
        return { ok: true, artifact_id: String(a.id) }
      }
      case 'CacheService/CreateCacheEntry': {
        const key = str('key')
        const version = str('version')
        if (caches.some(c => c.key === key && c.version === version)) {
          return {
            ok: false,
            message: `cache entry with the same key, version, and scope already exists`
          }
        }
        const s = signed('actions-cache', key)
        caches.push({ key, version, blobPath: s.path })
        return { ok: true, signed_upload_url: s.url }
      }
      case 'CacheService/FinalizeCacheEntryUpload': {
        const c = caches.find(e => e.key === str('key') && e.version === str('version') && !e.entry)
        if (!c) throw new TwirpError(404, 'not_found', 'cache entry not found')
        const data = blobData(c.blobPath)
        c.entry = {
          id: nextId++,
          key: c.key,
          version: c.version,
          size: data.length,
          createdAt: Date.now(),
          data
        }
        return { ok: true, entry_id: String(c.entry.id) }
      }
      case 'CacheService/GetCacheEntryDownloadURL': {
        const version = str('version')
        const done = caches.filter(c => c.entry && c.version === version)
        const restoreKeys = (body.restore_keys ?? body.restoreKeys ?? []) as string[]
        // Exact key first, then for each restore key an exact match, else the newest prefix match.
        for (const k of [str('key'), ...restoreKeys]) {
          const hit =
            done.find(c => c.key === k) ??
            done
              .filter(c => c.key.startsWith(k))
              .sort(
                (a, b) =>
                  (b.entry?.createdAt ?? 0) - (a.entry?.createdAt ?? 0) ||
                  (b.entry?.id ?? 0) - (a.entry?.id ?? 0)
              )[0]
          if (hit)
            return {
              ok: true,
              signed_download_url: `${base}${hit.blobPath.split('/').map(encodeURIComponent).join('/')}?sig=read`,
              matched_key: hit.key
            }
        }
        return { ok: false, signed_download_url: '', matched_key: '' }
      }
      default:
        throw new TwirpError(404, 'bad_route', `no handler for ${method}`)
    }
  }

  async function blob(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // Signed paths are stored decoded: the Azure SDK may re-escape the blob name.
    const path = decodeURIComponent(url.pathname)
    const headers = (b: Blob): Record<string, string> => ({
      ETag: b.etag,
      'Last-Modified': b.lastModified.toUTCString(),
      'x-ms-request-id': randomUUID(),
      'x-ms-version': '2023-11-03',
      'x-ms-request-server-encrypted': 'true'
    })
    const touch = (): Blob => {
      const b = blobs.get(path) ?? { blocks: new Map(), etag: '', lastModified: new Date() }
      b.etag = `"0x${randomBytes(8).toString('hex').toUpperCase()}"`
      b.lastModified = new Date()
      blobs.set(path, b)
      return b
    }
    const comp = url.searchParams.get('comp')
    if (req.method === 'PUT') {
      const body = await readBody(req)
      if (comp === 'block') {
        const b = touch()
        b.blocks.set(url.searchParams.get('blockid') ?? '', body)
        res.writeHead(201, { ...headers(b), 'Content-Length': '0' })
        return void res.end()
      }
      if (comp === 'blocklist') {
        const b = touch()
        const ids = [
          ...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)
        ].map(m => m[1])
        const missing = ids.filter(id => !b.blocks.has(id))
        if (missing.length > 0) {
          res.writeHead(400, { 'x-ms-error-code': 'InvalidBlockList' })
          return void res.end()
        }
        b.data = Buffer.concat(ids.map(id => b.blocks.get(id) as Buffer))
        res.writeHead(201, { ...headers(b), 'Content-Length': '0' })
        return void res.end()
      }
      if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
        const b = touch()
        b.data = body
        res.writeHead(201, {
          ...headers(b),
          'Content-MD5': createHash('md5').update(body).digest('base64'),
          'Content-Length': '0'
        })
        return void res.end()
      }
    }
    const b = blobs.get(path)
    if ((req.method === 'GET' || req.method === 'HEAD') && b?.data) {
      const data = b.data
      const common = {
        ...headers(b),
        'x-ms-blob-type': 'BlockBlob',
        'Accept-Ranges': 'bytes',
        'Content-Type': 'application/octet-stream'
      }
      const range = /bytes=(\d+)-(\d*)/.exec(
        String(req.headers['x-ms-range'] ?? req.headers.range ?? '')
      )
      if (range && req.method === 'GET') {
        const start = Number(range[1])
        const end = Math.min(range[2] ? Number(range[2]) : data.length - 1, data.length - 1)
        const part = data.subarray(start, end + 1)
        res.writeHead(206, {
          ...common,
          'Content-Range': `bytes ${start}-${end}/${data.length}`,
          'Content-Length': String(part.length)
        })
        return void res.end(part)
      }
      res.writeHead(200, { ...common, 'Content-Length': String(data.length) })
      return void res.end(req.method === 'HEAD' ? undefined : data)
    }
    res.writeHead(404, { 'x-ms-error-code': 'BlobNotFound', 'Content-Length': '0' })
    res.end()
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    if (url.pathname.startsWith('/devstoreaccount1/')) return blob(req, res, url)
    const m = /^\/twirp\/github\.actions\.results\.api\.v1\.(\w+\/\w+)$/.exec(url.pathname)
    if (!m || req.method !== 'POST')
      return sendJson(res, 404, { code: 'bad_route', msg: 'not found' })
    const raw = await readBody(req)
    if (req.headers.authorization !== `Bearer ${runtimeToken}`) {
      return sendJson(res, 401, { code: 'unauthenticated', msg: 'invalid runtime token' })
    }
    try {
      sendJson(
        res,
        200,
        twirp(m[1], JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>)
      )
    } catch (e) {
      if (!(e instanceof TwirpError)) throw e
      sendJson(res, e.status, { code: e.code, msg: e.message })
    }
  }

  const server = await listen(handle, undefined, '127.0.0.1')
  base = server.url
  return {
    url: server.url,
    runtimeToken,
    runBackendId,
    jobBackendId,
    calls,
    artifacts() {
      return [...artifacts.values()]
        .filter(a => a.id !== undefined)
        .map(a => {
          const zip = blobData(a.blobPath)
          return {
            id: a.id as number,
            name: a.name,
            size: a.size ?? zip.length,
            hash: a.hash,
            zip,
            files() {
              const entries = unzipSync(new Uint8Array(zip))
              return new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]))
            }
          }
        })
    },
    cacheEntries() {
      return caches.flatMap(c => (c.entry ? [c.entry] : []))
    },
    close: () => server.close()
  }
}
