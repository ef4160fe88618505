import { methodHelp } from './method-help';
import { METHOD_REGISTRY, createMethod, parseMethodOptions } from '../methods/registry';

describe('method registry and help', () => {
  it('lists every registered method with each of its options and defaults', () => {
    const help = methodHelp();
    for (const m of METHOD_REGISTRY) {
      expect(help).toContain(`  ${m.name} `);
      for (const o of m.options)
        expect(help).toMatch(
          new RegExp(`--${o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} `),
        );
    }
    expect(help).toMatch(/--temperature N +NT-Xent temperature \(default 0.2\)/);
    expect(help).toMatch(/dino .*\[images\]/);
    expect(help).toMatch(/nnclr .*\[images\]/);
  });

  it('parses --option values by type and refuses unknown or malformed ones', () => {
    expect(parseMethodOptions('simclr', { temperature: '0.2', 'projection-dim': '64' })).toEqual({
      temperature: 0.2,
      projectionDim: 64,
    });
    expect(parseMethodOptions('mlm', { 'whole-word-mask': 'true' })).toEqual({
      wholeWordMask: true,
    });
    expect(() => parseMethodOptions('simclr', { 'queue-size': '8' })).toThrow(
      /ssl pretrain --method simclr: unknown option --queue-size; its options: --temperature, --projection-dim, --hidden-dim/,
    );
    expect(() => parseMethodOptions('moco', { 'queue-size': '1.5' })).toThrow(
      /--queue-size must be an integer, got '1.5'/,
    );
    expect(() => createMethod('nope')).toThrow(
      /methodEntry: no method 'nope'; known: simclr, moco/,
    );
  });

  it('creates each image method by name (names match the registry)', () => {
    for (const m of METHOD_REGISTRY.filter((e) => e.modality === 'images')) {
      const method = createMethod(m.name);
      expect(method.name).toBe(m.name);
      expect(method.inputKey).toBe('images');
      method.dispose();
    }
  });
});
