import { METHOD_REGISTRY, kebab } from '../methods/registry';

/**
 * The methods and their options, from the registry, for `ssl pretrain --help`:
 * one block per method (name, summary, then `--option  default  doc`).
 */
export function methodHelp(): string {
  const lines: string[] = ['Methods (--method M) and their options:'];
  for (const m of METHOD_REGISTRY) {
    lines.push(`  ${m.name.padEnd(9)} ${m.summary} [${m.modality}]`);
    for (const o of m.options) {
      const flag = `--${kebab(o.name)} ${o.type === 'boolean' ? 'B' : 'N'}`;
      lines.push(`      ${flag.padEnd(30)} ${o.doc} (default ${String(o.default)})`);
    }
  }
  return lines.join('\n');
}
