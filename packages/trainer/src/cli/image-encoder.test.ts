import { useBackend } from '@ssl/backends';
import { vitInfo } from '@ssl/encoders';
import { METHOD_REGISTRY } from '../methods/registry';
import { defaultImageEncoder, imageEncoder } from './image-encoder';

describe('ssl pretrain image encoders', () => {
  beforeAll(async () => {
    await useBackend('cpu', { quiet: true });
  });

  it('mae gets the ViT, every other image method the conv encoder', () => {
    for (const m of METHOD_REGISTRY.filter((e) => e.modality === 'images')) {
      expect(defaultImageEncoder(m.name)).toBe(m.name === 'mae' ? 'vit' : 'conv');
    }
  });

  it('builds a seeded ViT for MNIST (49 patches of 4x4, mean pooling) and the conv encoder', () => {
    const v = imageEncoder('vit', [28, 28, 1], 3);
    expect(vitInfo(v)).toMatchObject({ patchSize: 4, numPatches: 49, dim: 64 });
    expect(v.getLayer('vit_pool').getConfig().mode).toBe('mean');
    const c = imageEncoder('conv', [28, 28, 1], 3);
    expect(c.name).toBe('conv_encoder');
    v.dispose();
    c.dispose();
  });
});
