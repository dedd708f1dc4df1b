/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR; check value of
 * "123456789" = 0x29B1). Every link frame ends with it, most significant byte first, so running
 * the CRC over a whole frame including its CRC bytes leaves 0: the receiver checks that.
 */
export const CRC_POLY = 0x1021;
export const CRC_INIT = 0xffff;

/** One byte into the CRC, bit by bit (the same steps the RTL unrolls). */
export function crcByte(crc: number, byte: number): number {
  let x = (crc ^ ((byte & 0xff) << 8)) & 0xffff;
  for (let i = 0; i < 8; i++) x = x & 0x8000 ? ((x << 1) ^ CRC_POLY) & 0xffff : (x << 1) & 0xffff;
  return x;
}

export function crc16(bytes: ArrayLike<number>, init = CRC_INIT): number {
  let crc = init;
  for (let i = 0; i < bytes.length; i++) crc = crcByte(crc, bytes[i]!);
  return crc;
}
