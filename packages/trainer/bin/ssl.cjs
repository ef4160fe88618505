#!/usr/bin/env node
// The `ssl` command's launcher. It is committed (dist/ is not) so that npm can
// link the bin when the workspace is installed, before anything is built; it
// loads the built CLI from dist/ and says how to build it when that is missing.
'use strict';
const fs = require('fs');
const path = require('path');

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `ssl: ${cli} is missing: @ssl/trainer is not built. ` +
      'In the @ssl repository run `npm run build` (or `npx turbo run build --filter=@ssl/trainer...`).\n',
  );
  process.exit(1);
}
require(cli);
