#!/usr/bin/env bash
# Scaffold packages/<name> with the project's build/test conventions.
# usage: scripts/new-package.sh <name> "<description>" [peer ...]
set -euo pipefail
name=$1; desc=$2; shift 2
dir=packages/$name
mkdir -p "$dir/src"
peers=""
for p in "$@"; do peers="$peers\"$p\": \"^4.22.0\","; done
peers=${peers%,}
cat > "$dir/package.json" <<JSON
{
  "name": "@ssl/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "Apache-2.0",
  "sideEffects": false,
  "main": "./dist/index.js",
  "module": "./dist/index.mjs",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "import": "./dist/index.mjs",
      "require": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "README.md"],
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc --noEmit -p tsconfig.json",
    "test": "jest --json --outputFile=jest-results.json"
  },
  "peerDependencies": { $peers }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": ["src"]
}
JSON
cat > "$dir/tsup.config.ts" <<'TS'
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  external: [/^@tensorflow\//, /^@ssl\//],
});
TS
cat > "$dir/jest.config.cjs" <<'JS'
module.exports = require('../../jest.preset.cjs')(__dirname);
JS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
