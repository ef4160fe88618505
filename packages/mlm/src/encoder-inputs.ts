import * as tfl from '@tensorflow/tfjs-layers';

/**
 * New symbolic inputs shaped like `encoder`'s two inputs (input_ids [B, T] and
 * attention_mask [B, T]), for building a model on top of the encoder.
 */
export function encoderInputs(
  encoder: tfl.LayersModel,
  fn: string,
): [tfl.SymbolicTensor, tfl.SymbolicTensor] {
  if (!encoder || !Array.isArray(encoder.inputs) || encoder.inputs.length !== 2) {
    throw new Error(
      `${fn}: encoder must be a LayersModel with two inputs (input_ids, attention_mask), got ` +
        `${encoder && Array.isArray(encoder.inputs) ? `${encoder.inputs.length} inputs` : typeof encoder}`,
    );
  }
  const [ids, mask] = encoder.inputs;
  return [
    tfl.input({ shape: ids.shape.slice(1) as number[], dtype: ids.dtype, name: 'input_ids' }),
    tfl.input({
      shape: mask.shape.slice(1) as number[],
      dtype: mask.dtype,
      name: 'attention_mask',
    }),
  ];
}
