/**
 * How an op keeps the activations it needs for its backward pass. Float keeps the buffer as is;
 * int8 keeps a per-tensor symmetric 8-bit copy (scale = max|x| / 127) and hands back the
 * dequantized values at backward time, cutting that memory by 4x (approximate activations).
 */
export type SavedActivation = () => Float32Array;
export type ActivationStore = (x: Float32Array) => SavedActivation;

export const floatActivations: ActivationStore = (x) => () => x;

export const int8Activations: ActivationStore = (x) => {
  const q = quantizeInt8(x);
  return () => dequantizeInt8(q.codes, q.scale);
};

export function quantizeInt8(x: Float32Array): { codes: Int8Array; scale: number } {
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > maxAbs) maxAbs = a;
  }
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const codes = new Int8Array(x.length);
  const inv = 1 / scale;
  for (let i = 0; i < x.length; i++) codes[i] = Math.max(-127, Math.min(127, Math.round(x[i]! * inv)));
  return { codes, scale };
}

export function dequantizeInt8(codes: Int8Array, scale: number): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * scale;
  return out;
}
