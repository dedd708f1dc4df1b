import type { Command } from 'commander';

/** Subcommands of the software stack: train, eval, decompose. Filled in by the sw work. */
export function registerSwCommands(_program: Command): void {}
