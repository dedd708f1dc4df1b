/**
 * Activation allocator: two ping-pong regions in the linear activation address space. The input
 * image sits in region 0; layer i reads region i mod 2 and writes region (i + 1) mod 2, so a layer
 * never overwrites its own input. Region 0 starts at 0, region 1 right after region 0's largest
 * tensor (aligned to peCols so both start in bank 0). The final layer writes LOGITS, not ACT.
 */
import { UserError } from '../../common/user-error.js';
import { quantizeInput } from '../quant/int-infer.js';
import type { EngineConfig } from './config.js';
import { packWord } from './fields.js';
import { actLocation, memoryOf, type MemoryMap } from './memory-map.js';

export interface ActPlan {
  /** Base and size in bytes of each region. */
  regions: [{ base: number; bytes: number }, { base: number; bytes: number }];
  /** Input image base and size. */
  input: { base: number; bytes: number };
  /** Per layer: input and output base (output -1 for the final layer). */
  layers: { actIn: number; actOut: number }[];
  /** Bytes used by both regions. */
  bytes: number;
}

/**
 * `inputBytes`: the image; `outputBytes[i]`: bytes layer i writes (null for the final layer).
 * `names[i]` and `source` name the layer and the configuration in the "does not fit" message.
 */
export function allocateActivations(inputBytes: number, outputBytes: (number | null)[], names: string[], c: EngineConfig, source: string): ActPlan {
  const capacity = c.actDepth * c.peCols;
  const size: [number, number] = [inputBytes, 0];
  const align = (n: number): number => Math.ceil(n / c.peCols) * c.peCols;
  const need = (): number => align(size[0]) + size[1];
  if (need() > capacity) throw new UserError(`input image: ACT needs ${need()} bytes, memory holds ${capacity} (${source} actDepth x peCols)`);
  outputBytes.forEach((bytes, i) => {
    if (bytes === null) return;
    const r = (i + 1) % 2;
    size[r] = Math.max(size[r], bytes);
    if (need() > capacity) throw new UserError(`layer ${names[i]}: ACT needs ${need()} bytes (ping-pong regions ${size[0]} + ${size[1]}), memory holds ${capacity} (${source} actDepth x peCols)`);
  });
  const regions: ActPlan['regions'] = [{ base: 0, bytes: size[0] }, { base: align(size[0]), bytes: size[1] }];
  return {
    regions,
    input: { base: 0, bytes: inputBytes },
    layers: outputBytes.map((b, i) => ({ actIn: regions[i % 2]!.base, actOut: b === null ? -1 : regions[(i + 1) % 2]!.base })),
    bytes: need(),
  };
}

/** ACT banks (peCols x actDepth words) holding the input image q = pixel - 128 at its base; all else 0. */
export function inputActImage(map: MemoryMap, plan: ActPlan, pixels: Uint8Array): bigint[][] {
  const act = memoryOf(map, 'ACT');
  if (pixels.length !== plan.input.bytes) throw new UserError(`input image: ${pixels.length} pixels, the model expects ${plan.input.bytes}`);
  const banks = Array.from({ length: act.banks }, () => new Array<bigint>(act.depth).fill(0n));
  quantizeInput(pixels).forEach((q, i) => {
    const { bank, word } = actLocation(map.config, plan.input.base + i);
    banks[bank]![word] = packWord(act.word, { value: q });
  });
  return banks;
}
