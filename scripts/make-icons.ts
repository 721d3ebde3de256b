/**
 * Draws the Teams app icons (appPackage/color.png 192x192, appPackage/outline.png 32x32) with Node alone,
 * so anyone can regenerate byte-identical files: `npx tsx scripts/make-icons.ts`.
 * The picture: a young person at the centre with the ten Cs around them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

/** The brand colour; the manifest's accentColor must be the same. */
export const ACCENT_COLOR = '#0F5C6E';

/** An RGBA image, 8 bits per channel, rows top to bottom. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** Encodes an RGBA image as a PNG (colour type 6, bit depth 8, no interlace, filter 0 on every row). */
export function encodePng(image: Rgba): Buffer {
  const { width, height, pixels } = image;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 6;
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

interface Circle {
  readonly cx: number;
  readonly cy: number;
  readonly r: number;
}

/** The symbol in a square of `size`: a centre disc and ten dots on a ring, in pixel units. */
function symbol(size: number, centreRadius: number, ringRadius: number, dotRadius: number): Circle[] {
  const c = size / 2;
  const circles: Circle[] = [{ cx: c, cy: c, r: centreRadius }];
  for (let i = 0; i < 10; i++) {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / 10;
    circles.push({ cx: c + ringRadius * Math.cos(angle), cy: c + ringRadius * Math.sin(angle), r: dotRadius });
  }
  return circles;
}

/** Fraction of the pixel at (x, y) covered by any circle, from an 8x8 grid of samples. */
function coverage(x: number, y: number, circles: readonly Circle[]): number {
  const n = 8;
  let hits = 0;
  for (let sy = 0; sy < n; sy++) {
    for (let sx = 0; sx < n; sx++) {
      const px = x + (sx + 0.5) / n;
      const py = y + (sy + 0.5) / n;
      if (circles.some((c) => (px - c.cx) ** 2 + (py - c.cy) ** 2 <= c.r * c.r)) hits++;
    }
  }
  return hits / (n * n);
}

function hexToRgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

/** The 192x192 colour icon: white symbol on a solid accent background. */
export function drawColorIcon(): Rgba {
  const size = 192;
  const circles = symbol(size, 20, 54, 10);
  const [br, bg, bb] = hexToRgb(ACCENT_COLOR);
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, circles);
      const i = (y * size + x) * 4;
      pixels[i] = Math.round(br + (255 - br) * a);
      pixels[i + 1] = Math.round(bg + (255 - bg) * a);
      pixels[i + 2] = Math.round(bb + (255 - bb) * a);
      pixels[i + 3] = 255;
    }
  }
  return { width: size, height: size, pixels };
}

/** The 32x32 outline icon: the same symbol in white on a transparent background, as Teams requires. */
export function drawOutlineIcon(): Rgba {
  const size = 32;
  const circles = symbol(size, 4, 11.5, 2.3);
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = Math.round(coverage(x, y, circles) * 255);
      const i = (y * size + x) * 4;
      // Fully transparent pixels carry no colour so nothing but white can ever show.
      const white = a === 0 ? 0 : 255;
      pixels[i] = white;
      pixels[i + 1] = white;
      pixels[i + 2] = white;
      pixels[i + 3] = a;
    }
  }
  return { width: size, height: size, pixels };
}

/** Writes both icons into `dir` and returns their paths. */
export function writeIcons(dir: string): { color: string; outline: string } {
  const color = path.join(dir, 'color.png');
  const outline = path.join(dir, 'outline.png');
  writeFileSync(color, encodePng(drawColorIcon()));
  writeFileSync(outline, encodePng(drawOutlineIcon()));
  return { color, outline };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const written = writeIcons(path.join(root, 'appPackage'));
  process.stdout.write(`Wrote ${path.relative(root, written.color)} and ${path.relative(root, written.outline)}\n`);
}
