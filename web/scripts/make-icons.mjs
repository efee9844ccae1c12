// Draws the app icon (public/icon.svg's design) as PNGs for the web manifest, with no
// image library: a few shapes rasterised with 4×4 supersampling and encoded by zlib.
// Run: node scripts/make-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}

function draw(size, maskable) {
  const green = [20, 83, 45];
  const gold = [253, 230, 138];
  const s = size / 512;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const px = (x + (sx + 0.5) / 4) / s;
          const py = (y + (sy + 0.5) / 4) / s;
          // rounded square (full bleed when maskable)
          const rad = maskable ? 0 : 112;
          const dx = Math.max(rad - px, px - (512 - rad), 0);
          const dy = Math.max(rad - py, py - (512 - rad), 0);
          if (dx * dx + dy * dy > rad * rad) continue;
          let col = green;
          // the "C": a ring of radius 120 around (256,256), open on the right, and a dot
          const cx = px - 256,
            cy = py - 256;
          const d = Math.hypot(cx, cy);
          const ang = Math.atan2(cy, cx);
          if (d > 120 - 28 && d < 120 + 28 && Math.abs(ang) > 0.62) col = gold;
          if (Math.hypot(px - 352, py - 256) < 28) col = gold;
          r += col[0];
          g += col[1];
          b += col[2];
          a += 255;
        }
      const n = 16;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const cov = a / 255;
      raw[o] = cov ? Math.round(r / cov) : 0;
      raw[o + 1] = cov ? Math.round(g / cov) : 0;
      raw[o + 2] = cov ? Math.round(b / cov) : 0;
      raw[o + 3] = Math.round(a / n);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

writeFileSync(new URL("../public/icon-192.png", import.meta.url), draw(192, false));
writeFileSync(new URL("../public/icon-512.png", import.meta.url), draw(512, false));
writeFileSync(new URL("../public/icon-maskable-512.png", import.meta.url), draw(512, true));
console.log("icons written");
