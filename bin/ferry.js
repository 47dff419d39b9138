#!/usr/bin/env node
// The `ferry` command in a checkout: runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
