#!/usr/bin/env node
// `npx validahub` / `validahub`: runs the TypeScript CLI from any working directory. The
// loader is pointed at the repository's tsconfig (where the @validahub/* path aliases live)
// instead of the one in the caller's folder.
'use strict';
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
process.env.SWC_NODE_PROJECT = join(root, 'tsconfig.json');
require('@swc-node/register');
require(join(root, 'apps', 'cli', 'src', 'main.ts'));
