// xlsx.js: just enough of .xlsx for the tests to read the server's workbooks and to write the
// ones people would write: unzip (stored or deflated entries), zip (stored), a sheet's rows as
// text, and a workbook of inline-string sheets. Exports unzip, zip, readSheet, workbook.
'use strict';

const assert = require('node:assert/strict');
const zlib = require('node:zlib');

/** The entries of a zip: { name: Buffer }. */
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'no end of central directory');
  const files = {};
  let off = buf.readUInt32LE(eocd + 16);
  for (let k = buf.readUInt16LE(eocd + 10); k > 0; k--) {
    assert.equal(buf.readUInt32LE(off), 0x02014b50, 'bad central directory entry');
    const method = buf.readUInt16LE(off + 10); const size = buf.readUInt32LE(off + 20);
    const n = buf.readUInt16LE(off + 28); const x = buf.readUInt16LE(off + 30); const c = buf.readUInt16LE(off + 32);
    const local = buf.readUInt32LE(off + 42);
    const name = buf.toString('utf8', off + 46, off + 46 + n);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    off += 46 + n + x + c;
  }
  return files;
}

/** A zip of { name: Buffer|string }, entries stored, or deflated with { deflate: true }. */
function zip(files, { deflate = false } = {}) {
  const locals = []; const central = []; let off = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const stored = deflate ? zlib.deflateRawSync(data) : data;
    const nm = Buffer.from(name, 'utf8'); const crc = zlib.crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(deflate ? 8 : 0, 8);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(stored.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nm.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(deflate ? 8 : 0, 10);
    dir.writeUInt32LE(crc, 16); dir.writeUInt32LE(stored.length, 20); dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(nm.length, 28); dir.writeUInt32LE(off, 42);
    locals.push(head, nm, stored); central.push(dir, nm);
    off += 30 + nm.length + stored.length;
  }
  const cd = Buffer.concat(central); const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The text of every <t> inside xml, joined. */
const texts = (xml) => [...xml.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => unescape(m[1])).join('');

/** Rows of the sheet named name in the unzipped files: { 'A1': text, … } keyed by cell reference. */
function readSheet(files, name) {
  const wb = files['xl/workbook.xml'].toString();
  const rels = files['xl/_rels/workbook.xml.rels'].toString();
  const sheet = [...wb.matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)].find((m) => unescape(m[1]) === name);
  assert.ok(sheet, `no sheet ${name}`);
  const target = new RegExp(`Id="${sheet[2]}"[^>]*Target="([^"]+)"`).exec(rels)[1];
  const sst = files['xl/sharedStrings.xml'] ? [...files['xl/sharedStrings.xml'].toString().matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1])) : [];
  const xml = files[target.startsWith('/') ? target.slice(1) : `xl/${target}`].toString();
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const t = /t="(\w+)"/.exec(m[2]); const v = /<v>([\s\S]*?)<\/v>/.exec(m[3] || '');
    if (t && t[1] === 's') cells[m[1]] = sst[Number(v[1])];
    else if (t && t[1] === 'inlineStr') cells[m[1]] = texts(m[3]);
    else if (v) cells[m[1]] = unescape(v[1]);
  }
  return cells;
}

/** "A" for 0, "AB" for 27. */
function colName(i) {
  let s = '';
  for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

/** A workbook of { sheetName: [[cell, …], …] }: strings inline, numbers as numbers, null empty;
 *  opts as for zip. */
function workbook(sheets, opts) {
  const names = Object.keys(sheets);
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="xml" ContentType="application/xml"/></Types>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      + names.map((n, i) => `<sheet name="${esc(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') + '</sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + names.map((n, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')
      + '</Relationships>',
  };
  names.forEach((n, i) => {
    const rows = sheets[n].map((row, r) => `<row r="${r + 1}">` + row.map((v, c) => {
      const ref = `${colName(c)}${r + 1}`;
      if (v === null || v === undefined) return '';
      if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
      return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
    }).join('') + '</row>').join('');
    files[`xl/worksheets/sheet${i + 1}.xml`] = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
      + `<sheetData>${rows}</sheetData></worksheet>`;
  });
  return zip(files, opts);
}

module.exports = { unzip, zip, readSheet, workbook, colName };
