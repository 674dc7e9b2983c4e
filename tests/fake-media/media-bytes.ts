// Small media files made here, byte for byte, in their real formats: a PNG
// (signature, IHDR, IDAT, IEND with CRCs), a GIF89a, and an MP4-like file
// (an ftyp box and an mdat box). Each call with another seed gives other bytes.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid width×height RGB PNG filled with one colour derived from `seed`. */
export function pngBytes(seed: number, width = 4, height = 3): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([seed & 0xff, (seed * 7) & 0xff, (seed * 13) & 0xff], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 GIF89a whose one colour comes from `seed`. */
export function gifBytes(seed: number): Buffer {
  return Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    Buffer.from([1, 0, 1, 0, 0x80, 0, 0]),
    Buffer.from([seed & 0xff, (seed * 3) & 0xff, (seed * 5) & 0xff, 0, 0, 0]),
    Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]),
  ]);
}

/** An MP4-shaped file: an ftyp box (isom) and an mdat box of `size` bytes of payload. */
export function mp4Bytes(seed: number, size = 2048): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'ascii'), Buffer.from([0, 0, 2, 0])]);
  const brands = Buffer.from('isomavc1', 'ascii');
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = (seed * 31 + i * 17) & 0xff;
  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(size + 8);
  mdatHeader.write('mdat', 4, 'ascii');
  return Buffer.concat([ftyp, brands, mdatHeader, payload]);
}
