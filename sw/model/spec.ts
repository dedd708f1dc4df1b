/**
 * The network description shared by training, compression, integer inference and (later) the packer
 * and the engine's golden model. Layers run in order on one tensor of shape [channels, height, width]
 * (per image); `flatten` turns it into a vector of channels*height*width features (c-major order).
 */
export type LayerSpec =
  | { kind: 'conv'; name: string; inChannels: number; outChannels: number; kernel: 1 | 3; stride: number; padding: number }
  | { kind: 'linear'; name: string; inFeatures: number; outFeatures: number }
  | { kind: 'relu' }
  | { kind: 'maxpool2' }
  | { kind: 'flatten' };

export interface ModelSpec {
  /** Input image shape [channels, height, width]. */
  inputShape: [number, number, number];
  layers: LayerSpec[];
  /** Number of classes of the final linear layer. */
  classes: number;
}

/**
 * Float parameters of one conv or linear layer after batch norm is folded in.
 * Conv weight layout: [out][in][kh][kw] (row-major). Linear: [out][in].
 */
export interface FloatLayerParams {
  weight: Float32Array;
  bias: Float32Array;
}

/** A trained float model: its spec and the parameters of every conv/linear layer by name. */
export interface FloatModel {
  spec: ModelSpec;
  params: Record<string, FloatLayerParams>;
}
