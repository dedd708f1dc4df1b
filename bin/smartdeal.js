#!/usr/bin/env node
// Entry point of the `smartdeal` CLI. Sources are TypeScript run through tsx, so there is no
// build step that could go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
