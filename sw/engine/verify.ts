/**
 * Golden model against integer inference: packs nothing itself, runs both on the same images and
 * reports how many logit vectors are identical (the contract: all of them).
 */
import { runInt } from '../quant/int-infer.js';
import type { IntModel } from '../quant/int-model.js';
import { inputActImage } from './act-alloc.js';
import { addEvents, emptyEvents, type EngineEvents } from './events.js';
import { GoldenEngine } from './golden.js';
import type { PackedModel } from './pack.js';

export interface GoldenCheck {
  compared: number;
  identical: number;
  /** First image whose logits differ (or whose run stopped with an error), if any. */
  firstMismatch?: { image: number; golden: number[]; runInt: number[]; error?: string };
  /** Events summed over all images. */
  events: EngineEvents;
  /** Labels of the golden model (argmax of LOGITS). */
  labels: number[];
}

export function checkGoldenAgainstRunInt(packed: PackedModel, model: IntModel, images: readonly Uint8Array[]): GoldenCheck {
  const engine = new GoldenEngine(packed.config, packed.images);
  const events = emptyEvents(packed.map.memories.map((m) => m.name));
  const labels: number[] = [];
  let identical = 0;
  let firstMismatch: GoldenCheck['firstMismatch'];
  images.forEach((img, i) => {
    const g = engine.run(inputActImage(packed.map, packed.act, img));
    const r = runInt(model, img);
    addEvents(events, g.events);
    labels.push(g.label);
    const same = g.status === 'done' && g.logits.length === r.logits.length && g.logits.every((v, k) => v === r.logits[k]) && g.label === r.label;
    if (same) identical++;
    else firstMismatch ??= { image: i, golden: Array.from(g.logits), runInt: Array.from(r.logits), ...(g.error ? { error: g.error.message } : {}) };
  });
  return { compared: images.length, identical, ...(firstMismatch ? { firstMismatch } : {}), events, labels };
}
