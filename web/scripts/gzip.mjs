// Writes X.gz beside every compressible file larger than 1 KB under a directory.
// Used by vite.config.js after the bundle is written and by openapi-json.mjs.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, extname } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

const EXTS = new Set(['.js', '.css', '.html', '.svg', '.json', '.map', '.txt'])
const MIN = 1024

export function gzipFile(file) {
  const data = readFileSync(file)
  if (data.length <= MIN) return 0
  const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION })
  if (gz.length >= data.length) return 0
  writeFileSync(file + '.gz', gz)
  return 1
}

export function gzipDir(dir) {
  let n = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) n += gzipDir(p)
    else if (EXTS.has(extname(name))) n += gzipFile(p)
  }
  return n
}
