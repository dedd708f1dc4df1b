/**
 * im2col / col2im for square kernels: turn one image [C, H, W] into a matrix whose row
 * (c, kh, kw) holds, for every output pixel, the input value that kernel tap sees (zero in the
 * padding). A convolution is then one matrix product: W[O, C*k*k] x col[C*k*k, Ho*Wo].
 */
export interface ConvGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  padding: number;
}

export function outputSize(g: ConvGeometry): { outH: number; outW: number } {
  return {
    outH: Math.floor((g.height + 2 * g.padding - g.kernel) / g.stride) + 1,
    outW: Math.floor((g.width + 2 * g.padding - g.kernel) / g.stride) + 1,
  };
}

/** Writes col[C*k*k, Ho*Wo] for the image starting at src[srcOffset]. */
export function im2col(g: ConvGeometry, src: Float32Array, srcOffset: number, col: Float32Array): void {
  const { channels, height, width, kernel, stride, padding } = g;
  const { outH, outW } = outputSize(g);
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const chanBase = srcOffset + c * height * width;
    for (let kh = 0; kh < kernel; kh++) {
      for (let kw = 0; kw < kernel; kw++, row++) {
        const dstRow = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * stride - padding + kh;
          const dst = dstRow + oy * outW;
          if (iy < 0 || iy >= height) {
            col.fill(0, dst, dst + outW);
            continue;
          }
          const srcRow = chanBase + iy * width;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * stride - padding + kw;
            col[dst + ox] = ix >= 0 && ix < width ? src[srcRow + ix]! : 0;
          }
        }
      }
    }
  }
}

/** Adds col[C*k*k, Ho*Wo] back into the image gradient at dst[dstOffset] (the adjoint of im2col). */
export function col2imAdd(g: ConvGeometry, col: Float32Array, dst: Float32Array, dstOffset: number): void {
  const { channels, height, width, kernel, stride, padding } = g;
  const { outH, outW } = outputSize(g);
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const chanBase = dstOffset + c * height * width;
    for (let kh = 0; kh < kernel; kh++) {
      for (let kw = 0; kw < kernel; kw++, row++) {
        const srcRow = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * stride - padding + kh;
          if (iy < 0 || iy >= height) continue;
          const dstRow = chanBase + iy * width;
          const s = srcRow + oy * outW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * stride - padding + kw;
            if (ix >= 0 && ix < width) dst[dstRow + ix] += col[s + ox]!;
          }
        }
      }
    }
  }
}
