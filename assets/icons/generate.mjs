// Draws Ferry's icon (a white ferry on waves, on a blue rounded square) and writes the files the
// packagers want: PNGs for Linux, icon.ico (PNG entries) for Windows, icon.icns for macOS.
// Plain Node (zlib), so it runs anywhere: `node assets/icons/generate.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) { raw[y * (size * 4 + 1)] = 0; rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Shape tests in unit coordinates (0..1). Returns [r, g, b, a] for one sample. */
function sample(x, y) {
  // rounded square
  const m = 0.06, r = 0.2;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0), qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  if (Math.hypot(qx, qy) > r) return [0, 0, 0, 0];
  // background: vertical gradient
  const t = (y - m) / (1 - 2 * m);
  let col = [31 + (23 - 31) * t, 95 + (33 - 95) * t, 191 + (47 - 191) * t];
  const white = [255, 255, 255];
  const wave = (yy, amp, phase) => yy + amp * Math.sin((x * 2 * Math.PI * 2.2) + phase);
  // waves
  if (y > wave(0.70, 0.018, 0) && y < wave(0.745, 0.018, 0)) col = [127, 176, 255];
  if (y > wave(0.79, 0.018, 1.2) && y < wave(0.83, 0.018, 1.2) && x > 0.14 && x < 0.86) col = [92, 142, 230];
  // hull: trapezoid
  if (y > 0.55 && y < 0.67 && x > 0.2 + (y - 0.55) * 0.9 && x < 0.82 - (y - 0.55) * 0.5) col = white;
  // cabin and bridge
  if (y > 0.44 && y < 0.55 && x > 0.3 && x < 0.68) col = white;
  if (y > 0.36 && y < 0.44 && x > 0.48 && x < 0.64) col = white;
  // windows
  if (y > 0.475 && y < 0.515) for (const wx of [0.34, 0.42, 0.5, 0.58]) if (x > wx && x < wx + 0.05) col = [31, 95, 191];
  // funnel
  if (y > 0.28 && y < 0.36 && x > 0.52 && x < 0.58) col = [255, 196, 0];
  return [...col, 255];
}

function render(size) {
  const out = Buffer.alloc(size * size * 4);
  const ss = size >= 256 ? 2 : 4;
  for (let py = 0; py < size; py++) for (let px = 0; px < size; px++) {
    let R = 0, G = 0, B = 0, A = 0;
    for (let sy = 0; sy < ss; sy++) for (let sx = 0; sx < ss; sx++) {
      const [r, g, b, a] = sample((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
      R += r * a; G += g * a; B += b * a; A += a;
    }
    const i = (py * size + px) * 4;
    if (A > 0) { out[i] = Math.round(R / A); out[i + 1] = Math.round(G / A); out[i + 2] = Math.round(B / A); }
    out[i + 3] = Math.round(A / (ss * ss));
  }
  return png(size, out);
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const pngs = Object.fromEntries(sizes.map((s) => [s, render(s)]));
for (const s of [16, 32, 48, 64, 128, 256, 512, 1024]) fs.writeFileSync(path.join(dir, `${s}x${s}.png`), pngs[s]);
fs.writeFileSync(path.join(dir, 'icon.png'), pngs[512]);

// ICO with PNG-compressed entries (Windows Vista and later).
const icoSizes = [16, 24, 32, 48, 64, 128, 256];
const header = Buffer.alloc(6); header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(icoSizes.length, 4);
let offset = 6 + 16 * icoSizes.length;
const entries = icoSizes.map((s) => {
  const e = Buffer.alloc(16);
  e[0] = s >= 256 ? 0 : s; e[1] = s >= 256 ? 0 : s; e.writeUInt16LE(1, 4); e.writeUInt16LE(32, 6);
  e.writeUInt32LE(pngs[s].length, 8); e.writeUInt32LE(offset, 12); offset += pngs[s].length;
  return e;
});
fs.writeFileSync(path.join(dir, 'icon.ico'), Buffer.concat([header, ...entries, ...icoSizes.map((s) => pngs[s])]));

// ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x), ic11 32 (16@2x), ic12 64 (32@2x), ic13 256 (128@2x), ic14 512 (256@2x).
const icns = [['ic11', 32], ['ic12', 64], ['ic07', 128], ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024]].map(([type, s]) => {
  const h = Buffer.alloc(8); h.write(type, 0, 'ascii'); h.writeUInt32BE(8 + pngs[s].length, 4);
  return Buffer.concat([h, pngs[s]]);
});
const body = Buffer.concat(icns);
const icnsHeader = Buffer.alloc(8); icnsHeader.write('icns', 0, 'ascii'); icnsHeader.writeUInt32BE(8 + body.length, 4);
fs.writeFileSync(path.join(dir, 'icon.icns'), Buffer.concat([icnsHeader, body]));
console.log(`icons written to ${path.relative(process.cwd(), dir)}`);
