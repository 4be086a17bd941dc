// Converts docs/openapi.yaml to dist/openapi.json (and its .gz).
// Usage: node scripts/openapi-json.mjs <in.yaml> <out.json>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parse } from 'yaml'
import { gzipFile } from './gzip.mjs'

const [input, output] = process.argv.slice(2)
if (!input || !output) {
  console.error('usage: openapi-json.mjs <in.yaml> <out.json>')
  process.exit(2)
}
let doc
if (existsSync(input)) {
  doc = parse(readFileSync(input, 'utf8'))
  if (!doc || typeof doc !== 'object' || !doc.openapi) {
    console.error(`openapi-json: ${input} is not an OpenAPI document`)
    process.exit(1)
  }
} else {
  console.warn(`openapi-json: warning: ${input} not found, writing a minimal document`)
  doc = { openapi: '3.0.3', info: { title: 'Zhili', version: '0.1.0' }, paths: {} }
}
mkdirSync(dirname(output), { recursive: true })
writeFileSync(output, JSON.stringify(doc))
gzipFile(output)
console.log(`openapi-json: wrote ${output}`)
