/** Malformed-descriptor tests: change one layer's descriptor in a packed model and load DESC alone. */
import type { EngineHost } from '../../engine/host-driver.js';
import { decodeDescriptor, encodeDescriptor, type Descriptor } from '../../../sw/engine/descriptor.js';
import type { PackedModel } from '../../../sw/engine/pack.js';

/** The packed model with layer `layer`'s descriptor changed. */
export function withDescriptor(packed: PackedModel, layer: number, change: Partial<Descriptor>): PackedModel {
  const dw = packed.desc.words;
  const desc = packed.images.DESC![0]!.slice();
  const d = decodeDescriptor(desc.slice(layer * dw, layer * dw + dw), packed.desc);
  encodeDescriptor({ ...d, ...change }, packed.desc).forEach((w, i) => { desc[layer * dw + i] = w; });
  return { ...packed, images: { ...packed.images, DESC: [desc] } };
}

/** Writes a packed model's DESC words over the host bus (the other memories stay as loaded). */
export function loadDesc(host: EngineHost, p: PackedModel): void {
  for (let i = 0; i < (p.used.DESC ?? 0); i++) host.writeDesc(i, Number(p.images.DESC![0]![i]!));
}
